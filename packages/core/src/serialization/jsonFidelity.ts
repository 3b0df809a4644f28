/**
 * What JSON keeps and what it changes silently. `isJsonFaithful` is the check on the write path:
 * one walk, no allocation, no path kept. Only when it fails does `describeJsonLoss` walk again to
 * say where and what, so the common case never pays for paths or cycle bookkeeping.
 */

/** Deeper than this is taken as a cycle by the fast check; the slow walk tells which it is. */
export const maxJsonDepth = 1000;

/** True when `JSON.parse(JSON.stringify(value))` gives `value` back (undefined object fields dropped). */
export function isJsonFaithful(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // False for NaN and ±Infinity, which JSON stores as null.
      return value - value === 0;
    case 'object': {
      if (value === null) return true;
      if (depth > maxJsonDepth) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined || !isJsonFaithful(item, depth + 1)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return isActorRefLike(value);
      for (const key in value) {
        const item: unknown = (value as Record<string, unknown>)[key];
        // Absent and undefined are the same to readers of optional fields: JSON drops the key.
        if (item !== undefined && !isJsonFaithful(item, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Where a value holds something JSON would not give back (`path` relative to the value), and what. */
export interface JsonLoss {
  readonly path: string;
  readonly problem: string;
  /** For a cycle: the path of the object it refers back to. */
  readonly refersTo?: string;
}

const cycleProblem = 'refers back to an object that contains it; JSON cannot store a cycle';

/** Where `value` holds something JSON would not give back, and what: call only when `isJsonFaithful` said no. */
export function describeJsonLoss(value: unknown): JsonLoss {
  const ancestors: object[] = [];
  const ancestorPaths: string[] = [];
  const visit = (item: unknown, path: string, inArray: boolean): JsonLoss | undefined => {
    switch (typeof item) {
      case 'string':
      case 'boolean':
        return undefined;
      case 'number':
        return item - item === 0 ? undefined : { path, problem: `is ${item}; JSON turns it into null` };
      case 'bigint':
        return { path, problem: `is a bigint (${item}n); JSON cannot store it` };
      case 'function':
        return { path, problem: `is a function; JSON ${inArray ? 'turns it into null' : 'drops it'}` };
      case 'symbol':
        return { path, problem: `is a symbol; JSON ${inArray ? 'turns it into null' : 'drops it'}` };
      case 'undefined':
        return { path, problem: `is undefined; JSON ${inArray ? 'turns it into null' : 'cannot store it'}` };
      case 'object': {
        if (item === null) return undefined;
        const seenAt = ancestors.indexOf(item);
        if (seenAt >= 0) return { path, problem: cycleProblem, refersTo: ancestorPaths[seenAt]! };
        if (ancestors.length > maxJsonDepth) return { path, problem: `is nested more than ${maxJsonDepth} levels deep` };
        const isArray = Array.isArray(item);
        if (!isArray) {
          const proto: unknown = Object.getPrototypeOf(item);
          if (proto !== Object.prototype && proto !== null) {
            return isActorRefLike(item) ? undefined : { path, problem: describeInstance(item) };
          }
        }
        ancestors.push(item);
        ancestorPaths.push(path);
        let found: JsonLoss | undefined;
        if (isArray) {
          for (let i = 0; i < item.length && found === undefined; i++) found = visit(item[i], `${path}[${i}]`, true);
        } else {
          for (const key in item) {
            const child: unknown = (item as Record<string, unknown>)[key];
            if (child !== undefined) found = visit(child, propertyPath(path, key), false);
            if (found !== undefined) break;
          }
        }
        ancestors.pop();
        ancestorPaths.pop();
        return found;
      }
    }
  };
  // The fast check also fails on nesting deeper than the limit, which is not a loss by itself.
  return visit(value, '', false) ?? { path: '', problem: `is nested more than ${maxJsonDepth} levels deep` };
}

/** `path` followed by property `key`: `.name`, or `["odd key"]` for keys that are not identifiers. */
export function propertyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describeInstance(item: object): string {
  if (item instanceof Date) return 'is a Date; JSON turns it into a string';
  if (item instanceof Map || item instanceof Set) return `is a ${item instanceof Map ? 'Map' : 'Set'}; JSON turns it into {}`;
  const name = (item as { constructor?: { name?: unknown } }).constructor?.name;
  const kind = typeof name === 'string' && name.length > 0 ? `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}` : 'an object with a prototype';
  if (typeof (item as { toJSON?: unknown }).toJSON === 'function') {
    return `is ${kind}; JSON stores what its toJSON() returns and reads it back as plain data`;
  }
  return `is ${kind}; JSON turns it into a plain object`;
}

/** Refs serialize to their path on purpose (commands carry replyTo refs). */
function isActorRefLike(value: object): boolean {
  const ref = value as { tell?: unknown; toJSON?: unknown; path?: unknown };
  return typeof ref.tell === 'function' && typeof ref.toJSON === 'function' && typeof ref.path === 'string';
}
