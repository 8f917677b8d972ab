import { packSteps, stepsOf, unpackSteps, type StoredStep } from './sync.model';

describe('packSteps / unpackSteps', () => {
  it('gives back the steps as they were, dates as dates', () => {
    const steps: StoredStep[] = [
      {
        number: 1,
        operation: JSON.stringify({
          kind: 'create',
          collection: 'orders',
          index: 'qty_1',
          spec: { key: { qty: 1 }, partialFilterExpression: { qty: { $gt: 0 } } },
        }),
        status: 'done',
        attempts: 1,
        duration_ms: 12,
        started_at: new Date('2026-11-22T10:00:00.000Z'),
        completed_at: new Date('2026-11-22T10:00:00.012Z'),
        note: 'one createIndexes with steps 1-2',
      },
      { number: 2, operation: '{"kind":"drop","collection":"orders","index":"old_1"}', status: 'pending', attempts: 0 },
    ];
    expect(unpackSteps(packSteps(steps))).toStrictEqual(steps);
  });

  it('packs what the steps are now: a step replaced since the last packing is written anew, the others as they were', () => {
    const steps: StoredStep[] = [
      { number: 1, operation: '{"kind":"drop","collection":"c","index":"a_1"}', status: 'pending', attempts: 0 },
      { number: 2, operation: '{"kind":"drop","collection":"c","index":"b_1"}', status: 'pending', attempts: 0 },
    ];
    packSteps(steps);
    const later = [{ ...steps[0], status: 'done' as const, attempts: 1, completed_at: new Date('2026-11-22T10:00:00.000Z') }, steps[1]];
    expect(unpackSteps(packSteps(later))).toStrictEqual(later);
    expect(unpackSteps(packSteps(steps))).toStrictEqual(steps);
  });

  it('reads a record without steps as no steps, and one written before steps were packed as it is', () => {
    expect(unpackSteps(null)).toEqual([]);
    expect(stepsOf({ steps_deflated: null })).toEqual([]);
    const legacy: StoredStep[] = [
      { number: 1, operation: '{"kind":"drop","collection":"c","index":"a_1"}', status: 'pending', attempts: 0 },
    ];
    expect(stepsOf({ steps_deflated: null, steps: legacy })).toBe(legacy);
  });

  it('packs a plan of 200 creates into a few kilobytes', () => {
    const steps: StoredStep[] = Array.from({ length: 200 }, (_, i) => ({
      number: i + 1,
      operation: JSON.stringify({
        kind: 'create',
        collection: `c${i % 25}`,
        index: `f${i}_1`,
        reason: 'in the DR',
        spec: { key: { [`f${i}`]: 1 }, name: `f${i}_1` },
      }),
      status: 'pending',
      attempts: 0,
    }));
    expect(packSteps(steps).length()).toBeLessThan(JSON.stringify(steps).length / 5);
  });
});
