import type { Operation } from './accountProtocol.js';

/** An operation applied under an idempotency key: what a retry with that key is answered with. */
export interface KeyedOperation {
  readonly key: string;
  readonly operation: Operation;
}

/**
 * The idempotency keys an account remembers, oldest chunk first. Kept in chunks so that
 * remembering one more key copies at most one chunk, not every key, and forgetting drops a whole
 * chunk: an account remembers at least its last `keptKeys` keys (up to `keptKeys + keysPerChunk`).
 * Arrays rather than an object keyed by the key, so that a key such as `__proto__` is just a string.
 */
export type RecentKeys = readonly (readonly KeyedOperation[])[];

export const keysPerChunk = 100;
export const keptKeys = 1_000;
const keptChunks = keptKeys / keysPerChunk;

export const noKeys: RecentKeys = [];

export function rememberKey(keys: RecentKeys, keyed: KeyedOperation): RecentKeys {
  const last = keys[keys.length - 1];
  if (last !== undefined && last.length < keysPerChunk) return [...keys.slice(0, -1), [...last, keyed]];
  // The full chunks before the new one hold at least `keptKeys`: older ones can go.
  return [...keys.slice(Math.max(0, keys.length - keptChunks)), [keyed]];
}

/** The operation applied under `key`, if the account still remembers it. */
export function findKey(keys: RecentKeys, key: string): KeyedOperation | undefined {
  for (let c = keys.length - 1; c >= 0; c--) {
    const chunk = keys[c]!;
    for (let i = chunk.length - 1; i >= 0; i--) if (chunk[i]!.key === key) return chunk[i];
  }
  return undefined;
}

export function countKeys(keys: RecentKeys): number {
  return keys.reduce((sum, chunk) => sum + chunk.length, 0);
}
