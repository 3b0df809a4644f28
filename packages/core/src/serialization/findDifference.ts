import { inspect, isDeepStrictEqual } from 'node:util';
import { maxJsonDepth, propertyPath } from './jsonFidelity.js';

/** Where a value read back differs from the one sent, and how. */
export interface Difference {
  /** Relative to the value: `''` for the value itself, `.items[2].at` for a nested one. */
  readonly path: string;
  /** `was 1, came back as '1'` */
  readonly how: string;
}

/**
 * The first place where `back` (a value read back from a serializer) differs from `sent`;
 * undefined when they are equal. Equal means what the JSON serializer promises to keep: an object
 * field that is undefined equals an absent one, and -0 equals 0. Values other than plain objects
 * and arrays (Map, Date, class instances, which other serializers may keep) are compared with
 * `isDeepStrictEqual`.
 */
export function findDifference(sent: unknown, back: unknown): Difference | undefined {
  return differ(sent, back, '', 0);
}

function at(path: string, how: string): Difference {
  return { path, how };
}

function differ(sent: unknown, back: unknown, path: string, depth: number): Difference | undefined {
  if (sent === back) return undefined;
  if (typeof sent !== 'object' || sent === null || typeof back !== 'object' || back === null) {
    if (Number.isNaN(sent) && Number.isNaN(back)) return undefined;
    return at(path, `was ${show(sent)}, came back as ${show(back)}`);
  }
  if (depth > maxJsonDepth) return isDeepStrictEqual(sent, back) ? undefined : at(path, 'differs');
  const sentArray = Array.isArray(sent);
  if (sentArray || Array.isArray(back)) {
    if (!sentArray || !Array.isArray(back)) return at(path, `was ${show(sent)}, came back as ${show(back)}`);
    if (sent.length !== back.length) return at(path, `had ${sent.length} items, came back with ${back.length}`);
    for (let i = 0; i < sent.length; i++) {
      const found = differ(sent[i], back[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isPlain(sent) && isPlain(back)) {
    const a = sent as Record<string, unknown>;
    const b = back as Record<string, unknown>;
    for (const key in a) {
      if (a[key] !== undefined && b[key] === undefined) return at(propertyPath(path, key), `was ${show(a[key])}, came back absent`);
      const found = differ(a[key], b[key], propertyPath(path, key), depth + 1);
      if (found !== undefined) return found;
    }
    for (const key in b) {
      if (a[key] === undefined && b[key] !== undefined) return at(propertyPath(path, key), `was absent, came back as ${show(b[key])}`);
    }
    return undefined;
  }
  if (Object.getPrototypeOf(sent) !== Object.getPrototypeOf(back)) {
    return at(path, `was ${kindOf(sent)}, came back as ${kindOf(back)} ${show(back)}`);
  }
  return isDeepStrictEqual(sent, back) ? undefined : at(path, `was ${show(sent)}, came back as ${show(back)}`);
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function kindOf(value: object): string {
  if (isPlain(value)) return 'a plain object';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name.length > 0 ? `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}` : 'an object with a prototype';
}

function show(value: unknown): string {
  return inspect(value, { depth: 2, breakLength: Infinity, maxArrayLength: 5, maxStringLength: 60 });
}
