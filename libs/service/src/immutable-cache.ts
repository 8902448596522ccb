/**
 * Remembers answers that never change once found (a shop's owner, a product's shop), so
 * ownership checks do not call a peer every time. Only found values are kept (an unknown id
 * may be created later); concurrent lookups of one key share one load; beyond `maxEntries`
 * the oldest entry is forgotten.
 */
export function createImmutableCache<T, O = undefined>(
  maxEntries: number,
  load: (key: string, options: O) => Promise<T | undefined>,
): (key: string, options: O) => Promise<T | undefined> {
  const values = new Map<string, T>();
  const inFlight = new Map<string, Promise<T | undefined>>();
  return async (key, options) => {
    const hit = values.get(key);
    if (hit !== undefined) return hit;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = load(key, options)
        .then((value) => {
          if (value !== undefined) {
            if (values.size >= maxEntries) {
              const oldest = values.keys().next();
              if (!oldest.done) values.delete(oldest.value);
            }
            values.set(key, value);
          }
          return value;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };
}
