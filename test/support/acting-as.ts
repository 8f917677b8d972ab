import type { Principal } from '@ir/contracts';
import { runAs } from '@ir/messaging';

/**
 * `target` with every method run acting for `principal`, as the bus server runs a handler for the
 * caller its request names: for specs that call a service directly.
 */
export function actingAs<T extends object>(principal: Principal, target: T): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => runAs(principal, () => (value as (...a: unknown[]) => unknown).apply(object, args));
    },
  });
}
