/**
 * Runs the work given for one key one after another, in the order given (work for other keys runs
 * alongside). For read-modify-write steps the store does not make atomic: FerretDB 1.x runs
 * `findAndModify` with `$inc` as a read and then a write, so two at once on one document both answer
 * the same number. This orders them within one process only.
 */
export class OneAtATime {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
