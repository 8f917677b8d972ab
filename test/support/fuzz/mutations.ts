// Ways a schema-shaped value goes wrong: the kinds of input that found 500s and leaks before.
import fc from 'fast-check';
import { trickyString } from './schema-arbitrary';

export type Mutation =
  | { kind: 'none' }
  | { kind: 'wrong_type'; at: number; value: unknown }
  | { kind: 'null_character'; at: number }
  | { kind: 'proto_key'; at: number; key: string; value: unknown }
  | { kind: 'unknown_field'; key: string; value: unknown }
  | { kind: 'huge_string'; at: number; length: number }
  | { kind: 'huge_array'; at: number; length: number }
  | { kind: 'deep'; at: number; levels: number }
  | { kind: 'unicode'; at: number; text: string }
  | { kind: 'replace_all'; value: unknown };

const anyJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.constant([[[]]]),
  );

export const mutationArbitrary = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 14 },
    { arbitrary: fc.record({ kind: fc.constant('wrong_type' as const), at: fc.nat(), value: anyJson() }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('null_character' as const), at: fc.nat() }), weight: 2 },
    {
      arbitrary: fc.record({
        kind: fc.constant('proto_key' as const),
        at: fc.nat(),
        key: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'),
        value: anyJson(),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant('unknown_field' as const), key: trickyString(), value: anyJson() }), weight: 1 },
    {
      arbitrary: fc.record({ kind: fc.constant('huge_string' as const), at: fc.nat(), length: fc.integer({ min: 10_000, max: 400_000 }) }),
      weight: 1,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('huge_array' as const), at: fc.nat(), length: fc.integer({ min: 1_000, max: 20_000 }) }),
      weight: 1,
    },
    { arbitrary: fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), levels: fc.constantFrom(50, 127, 200, 3_000) }), weight: 1 },
    {
      arbitrary: fc.record({
        kind: fc.constant('unicode' as const),
        at: fc.nat(),
        text: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant('replace_all' as const), value: fc.jsonValue({ maxDepth: 3 }) }), weight: 1 },
  );

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number; value: unknown };

/** Every place a value sits in `root` (walked with a stack), so a mutation can pick one. */
function slotsOf(root: { value: unknown }): Slot[] {
  const slots: Slot[] = [];
  const pending: Slot[] = [{ parent: root as unknown as Record<string, unknown>, key: 'value', value: root.value }];
  while (pending.length > 0 && slots.length < 500) {
    const slot = pending.pop()!;
    slots.push(slot);
    const { value } = slot;
    if (Array.isArray(value)) value.forEach((item, i) => pending.push({ parent: value, key: i, value: item }));
    else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value))
        pending.push({ parent: value as Record<string, unknown>, key, value: (value as Record<string, unknown>)[key] });
    }
  }
  return slots;
}

function put(slot: Slot, value: unknown): void {
  Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value with the mutation applied (on a copy). */
export function mutate(value: unknown, mutation: Mutation): unknown {
  if (mutation.kind === 'none') return value;
  if (mutation.kind === 'replace_all') return mutation.value;
  const root = { value: structuredClone(value) };
  const slots = slotsOf(root);
  const pick = <T extends Slot>(candidates: T[], at: number): T | undefined =>
    candidates.length > 0 ? candidates[at % candidates.length] : undefined;
  const strings = slots.filter((s) => typeof s.value === 'string');
  const objects = slots.filter((s) => typeof s.value === 'object' && s.value !== null && !Array.isArray(s.value));
  switch (mutation.kind) {
    case 'wrong_type': {
      const slot = pick(slots, mutation.at);
      if (slot) put(slot, mutation.value);
      break;
    }
    case 'null_character': {
      const slot = pick(strings, mutation.at);
      if (slot) put(slot, `${String(slot.value)}\u0000x`);
      else if (objects[0]) put({ parent: objects[0].value as Record<string, unknown>, key: 'a\u0000b', value: undefined }, 1);
      break;
    }
    case 'proto_key': {
      const slot = pick(objects, mutation.at);
      if (slot) put({ parent: slot.value as Record<string, unknown>, key: mutation.key, value: undefined }, mutation.value);
      break;
    }
    case 'unknown_field': {
      const slot = objects[0];
      if (slot) put({ parent: slot.value as Record<string, unknown>, key: mutation.key, value: undefined }, mutation.value);
      break;
    }
    case 'huge_string': {
      const slot = pick(strings, mutation.at) ?? pick(slots, mutation.at);
      if (slot) put(slot, 'x'.repeat(mutation.length));
      break;
    }
    case 'huge_array': {
      const slot = pick(slots, mutation.at);
      if (slot)
        put(
          slot,
          Array.from({ length: mutation.length }, (_, i) => i),
        );
      break;
    }
    case 'deep': {
      const slot = pick(slots, mutation.at);
      let nested: unknown = 1;
      for (let i = 0; i < mutation.levels; i += 1) nested = i % 2 === 0 ? [nested] : { a: nested };
      if (slot) put(slot, nested);
      break;
    }
    case 'unicode': {
      const slot = pick(strings, mutation.at);
      if (slot) put(slot, `${String(slot.value)}${mutation.text}`);
      break;
    }
  }
  return root.value;
}
