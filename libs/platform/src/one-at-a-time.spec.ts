import { OneAtATime } from './one-at-a-time';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('OneAtATime', () => {
  it('runs the work of one key in order, never two at once, and forgets the key when done', async () => {
    const queue = new OneAtATime();
    let running = 0;
    let most = 0;
    const order: number[] = [];
    // A read-modify-write as FerretDB 1.x runs $inc: read, yield, write what was read plus one.
    let counter = 0;
    const bump = (n: number) => async () => {
      running++;
      most = Math.max(most, running);
      const read = counter;
      await tick();
      counter = read + 1;
      order.push(n);
      running--;
      return counter;
    };
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.run('db', bump(n))));
    expect(answers).toEqual([1, 2, 3, 4, 5]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(1);
    await tick();
    expect((queue as unknown as { tails: Map<string, unknown> }).tails.size).toBe(0);
  });

  it('goes on after a failure, which reaches only its own caller; other keys run alongside', async () => {
    const queue = new OneAtATime();
    let release!: () => void;
    const held = queue.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(queue.run('b', async () => 'b')).resolves.toBe('b');
    const failed = queue.run('a', async () => {
      throw new Error('refused');
    });
    const after = queue.run('a', async () => 'after');
    release();
    await held;
    await expect(failed).rejects.toThrow('refused');
    await expect(after).resolves.toBe('after');
  });
});
