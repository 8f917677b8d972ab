import { Timestamp, type Collection } from 'mongodb';
import { CAPTURED_OPS, type OplogDocument } from './oplog-document';

/**
 * Whether the server hands an equality on `ns` to its store when it reads `local.oplog.rs`. FerretDB 1.x
 * over PostgreSQL does, beside conditions it cannot hand over (a `ts` range, an `$in`), which it then
 * applies to the rows PostgreSQL returned, that namespace's only; over SQLite it hands over no filter and
 * reads the whole oplog for each query (oplog-query.spec.ts). So a query per namespace is cheap on the
 * one and multiplies full reads on the other. Asked once, by `explain` of the reader's own query shape
 * (its `filterPushdown`): the server says what it does, rather than an operator's setting that may be wrong.
 */
export class NamespacePushdown {
  private answer: boolean | undefined;

  constructor(
    private readonly oplog: () => Collection<OplogDocument>,
    private readonly timeoutMs: number,
  ) {}

  async available(): Promise<boolean> {
    if (this.answer === undefined) {
      const filter = { ns: '', ts: { $gt: new Timestamp({ t: 0, i: 0 }) }, op: { $in: [...CAPTURED_OPS] } };
      const plan = await this.oplog()
        // `timeoutMS`, not `maxTimeMS`: the driver refuses the latter for an explain on a client with a
        // `timeoutMS` of its own, as the capture's source clients have (libs/target-pool client-options).
        .find(filter, { sort: { ts: 1 }, timeoutMS: this.timeoutMs })
        .explain();
      this.answer = plan.filterPushdown === true;
    }
    return this.answer;
  }
}
