type AnyMethod = (...args: unknown[]) => unknown;

/**
 * `target` (a model, in specs) with one method replaced by `replace(original)`, where `original` is
 * the method bound to `target`; every other member as it is, methods bound to `target`. Specs only.
 */
export function withMethod<T extends object>(target: T, name: keyof T & string, replace: (original: AnyMethod) => AnyMethod): T {
  const replaced = replace((Reflect.get(target, name) as AnyMethod).bind(target));
  return new Proxy(target, {
    get(object, prop) {
      if (prop === name) return replaced;
      const value: unknown = Reflect.get(object, prop);
      return typeof value === 'function' ? (value as AnyMethod).bind(object) : value;
    },
  });
}
