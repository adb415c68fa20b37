import { ObjectNotFoundError } from '../storage/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { OrionMetrics } from './metrics.js';

/** The same store, counting failed operations (a missing object is an answer, not an error). */
export function instrumentStore(store: ObjectStore, metrics: OrionMetrics): ObjectStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || prop === 'listAll')
        return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          return result.catch((err: unknown) => {
            if (!(err instanceof ObjectNotFoundError)) metrics.storageErrors.inc({ operation: String(prop) });
            throw err;
          });
        }
        return result;
      };
    },
  });
}
