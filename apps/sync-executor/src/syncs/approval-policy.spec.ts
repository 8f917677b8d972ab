import type { PlanOperationView } from '@ir/contracts';
import { approvalReasons } from './approval-policy';

const op = (kind: PlanOperationView['kind'], extra: Partial<PlanOperationView> = {}): PlanOperationView => ({
  kind,
  collection: 'orders',
  index: 'status_1',
  reason: 'test',
  ...extra,
});

describe('approvalReasons', () => {
  it('names every drop and hide, a rebuild as such; creates and TTL changes need none', () => {
    expect(
      approvalReasons([
        op('create', { spec: { key: { a: 1 }, name: 'a_1' } }),
        op('modify', { changes: { expireAfterSeconds: 60 } }),
        op('drop'),
        op('hide', { index: 'b_1' }),
        op('modify', { index: 'c_1', changes: { hidden: true } }),
        op('drop', { index: 'd_1', done_when: { name: 'd_1_tmp' } }),
      ]),
    ).toEqual(['drops orders.status_1', 'hides orders.b_1', 'hides orders.c_1', 'drops orders.d_1 (a rebuild)']);
    expect(approvalReasons([op('create'), op('modify', { changes: { hidden: false } })])).toEqual([]);
  });
});
