/**
 * Deep-freezes the data of a state or event: plain objects, arrays, Maps and Sets (whose set /
 * add / delete / clear then throw). Class instances, Dates, typed arrays and actor refs are left
 * alone: they are not plain data, and freezing someone else's object can break it.
 *
 * Incremental: an object already frozen is taken as deeply frozen and not entered, so a state
 * that shares most of its structure with the previous one costs only its new parts.
 */
export function deepFreeze<T>(value: T): T {
  freeze(value);
  return value;
}

/** TypeError messages of writes to frozen objects, so an error can say that freezing caused it. */
export function isFrozenWriteError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /read only property|object is not extensible|Cannot delete property|Cannot redefine property|frozen (Map|Set)/.test(error.message)
  );
}

function freeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  if (Array.isArray(value)) {
    // Frozen before its items are entered: a cycle back to it stops there.
    Object.freeze(value);
    for (let i = 0; i < value.length; i++) freeze(value[i]);
    return;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    Object.freeze(value);
    for (const key in value) freeze((value as Record<string, unknown>)[key]);
    return;
  }
  if (value instanceof Map) {
    lock(value, 'Map', ['set', 'delete', 'clear']);
    for (const [key, item] of value) {
      freeze(key);
      freeze(item);
    }
  } else if (value instanceof Set) {
    lock(value, 'Set', ['add', 'delete', 'clear']);
    for (const item of value) freeze(item);
  }
}

/** Object.freeze does not reach a collection's entries: its mutators are replaced by throwing ones. */
function lock(collection: Map<unknown, unknown> | Set<unknown>, kind: 'Map' | 'Set', mutators: readonly string[]): void {
  for (const name of mutators) {
    Object.defineProperty(collection, name, {
      enumerable: false,
      value: () => {
        throw new TypeError(`Cannot ${name} on a frozen ${kind}: it is part of a persistent actor's state or event`);
      },
    });
  }
  Object.freeze(collection);
}
