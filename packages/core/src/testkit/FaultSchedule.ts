import { InvalidArgument, requireNumber } from '../errors/index.js';

/** Which operations a fault applies to, and how often it fires. */
export interface FaultOptions {
  /** The fault fires on the nth matching operation from now (1 = the next one). Default 1. */
  readonly nth?: number;
  /** Only operations on this persistenceId match. Default: every persistenceId. */
  readonly persistenceId?: string;
  /** What the operation fails with. Default: an InjectedFault naming the fault. */
  readonly error?: Error;
  /**
   * How many matching operations fail, from the nth on. Default 1; `Infinity` keeps failing
   * until `clearFaults()` (storage that stays down).
   */
  readonly times?: number;
}

export interface PendingFault<K extends string, D> {
  readonly kind: K;
  /** What the store registered beside the options, e.g. how many events a replay delivers first. */
  readonly data: D;
  readonly persistenceId: string | undefined;
  readonly error: Error | undefined;
  /** The position of the firing operation among the matching ones, for messages. */
  readonly ordinal: number;
}

interface Entry<K extends string, D> {
  readonly kind: K;
  readonly data: D;
  readonly persistenceId: string | undefined;
  readonly error: Error | undefined;
  /** Matching operations seen so far. */
  seen: number;
  readonly nth: number;
  remaining: number;
}

/**
 * The faults registered on one store, in registration order. Every pending fault counts the
 * operations it matches; when several would fire on the same operation, the first registered one
 * fires and the others fire on the following matching operations, so faults stack.
 */
export class FaultSchedule<K extends string, D = undefined> {
  #entries: Entry<K, D>[] = [];

  add(kind: K, options: FaultOptions, data: D): void {
    const nth = requireNumber(`${kind} option nth`, options.nth ?? 1, { min: 1, integer: true });
    const times = requireNumber(`${kind} option times`, options.times ?? 1, {
      min: 1,
      integer: true,
      allowInfinity: true,
    });
    if (options.persistenceId === '') {
      throw new InvalidArgument(
        `${kind} option persistenceId`,
        '',
        'a non-empty string (leave it out to match every persistenceId)',
      );
    }
    this.#entries.push({
      kind,
      data,
      persistenceId: options.persistenceId,
      error: options.error,
      seen: 0,
      nth,
      remaining: times,
    });
  }

  /** Counts one operation of `kind` on `persistenceId`; returns the fault that fires on it, if any. */
  next(kind: K, persistenceId: string): PendingFault<K, D> | undefined {
    let fired: PendingFault<K, D> | undefined;
    for (const entry of this.#entries) {
      if (entry.kind !== kind) continue;
      if (entry.persistenceId !== undefined && entry.persistenceId !== persistenceId) continue;
      if (entry.seen < entry.nth - 1) {
        entry.seen += 1;
        continue;
      }
      if (fired !== undefined) continue; // due, but another fault takes this operation
      entry.seen += 1;
      entry.remaining -= 1;
      fired = { kind, data: entry.data, persistenceId: entry.persistenceId, error: entry.error, ordinal: entry.seen };
    }
    this.#entries = this.#entries.filter((entry) => entry.remaining > 0);
    return fired;
  }

  clear(): void {
    this.#entries = [];
  }

  get size(): number {
    return this.#entries.length;
  }
}

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
