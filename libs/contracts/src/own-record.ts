import { z } from 'zod';

/**
 * An object used as a map from names that come from outside (collection names, field names), parsed
 * into an object without prototype. zod's `z.record` leaves out a `__proto__` key without a word (it
 * writes into a plain `{}`, where that name would replace the prototype), yet `__proto__`,
 * `constructor` and `toString` are valid collection and field names in MongoDB: a manifest must keep
 * them. The result has only the caller's keys, so `result[name]` never reaches `Object.prototype`,
 * and it serializes like any object. The OpenAPI document shows it as the `z.record` it stands for.
 */
export function ownRecord<K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V) {
  const documented = z.record(key, value);
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(documented, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' });
  return z
    .unknown()
    .transform((input, ctx): Record<z.output<K>, z.output<V>> => {
      if (!isPlainObject(input)) {
        ctx.addIssue({ code: 'invalid_type', expected: 'record', input, message: 'expected an object' });
        return z.NEVER;
      }
      const out = Object.create(null) as Record<string, unknown>;
      for (const name of Object.keys(input)) {
        const parsedKey = key.safeParse(name);
        if (!parsedKey.success) {
          for (const issue of parsedKey.error.issues) ctx.addIssue({ ...issue, code: 'custom', path: [name], input: name });
          continue;
        }
        const parsedValue = value.safeParse(input[name]);
        if (!parsedValue.success) {
          for (const issue of parsedValue.error.issues) ctx.addIssue({ ...issue, path: [name, ...issue.path] } as never);
          continue;
        }
        out[parsedKey.data] = parsedValue.data;
      }
      return out as Record<z.output<K>, z.output<V>>;
    })
    .meta(jsonSchema);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
