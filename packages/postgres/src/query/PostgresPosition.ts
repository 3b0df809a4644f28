/**
 * A place in the journal's global order: the writing transaction's id (`xid8`, never reused), then
 * the row's `ordering`. The order is `(txId, ordering)`; resuming after a position is exclusive.
 * Text form `<txId>.<ordering>`, e.g. `postgres:7741.1042` as an offset.
 */
export interface PostgresPosition {
  readonly txId: bigint;
  readonly ordering: bigint;
}

/** Before the first event. */
export const startPosition: PostgresPosition = Object.freeze({ txId: 0n, ordering: 0n });

/** Both parts are non-negative bigints of PostgreSQL (xid8 values stay below 2^63 too). */
const maxPart = 2n ** 63n - 1n;
const text = /^(0|[1-9][0-9]{0,18})\.(0|[1-9][0-9]{0,18})$/;

export function formatPosition(position: PostgresPosition): string {
  return `${position.txId}.${position.ordering}`;
}

/** Reads `formatPosition`'s text back; throws a RangeError saying what is wrong with anything else. */
export function parsePosition(value: string): PostgresPosition {
  const match = text.exec(value);
  if (match === null) {
    throw new RangeError(`expected "<transaction id>.<ordering>", two non-negative integers without leading zeros, got ${JSON.stringify(value)}`);
  }
  const txId = BigInt(match[1] as string);
  const ordering = BigInt(match[2] as string);
  if (txId > maxPart || ordering > maxPart) throw new RangeError(`${JSON.stringify(value)} is out of range: each part is at most ${maxPart}`);
  return { txId, ordering };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function comparePositions(a: PostgresPosition, b: PostgresPosition): number {
  if (a.txId !== b.txId) return a.txId < b.txId ? -1 : 1;
  if (a.ordering !== b.ordering) return a.ordering < b.ordering ? -1 : 1;
  return 0;
}

/** The position just before every event of transactions at or above `txId`. */
export function belowTransaction(txId: bigint): PostgresPosition {
  return { txId, ordering: 0n };
}
