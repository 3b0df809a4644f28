const END_OF_TURN = Symbol('end of turn');

/** How `takeReady` stopped. */
export type ReadyOutcome<T> =
  | { readonly kind: 'endOfTurn' }
  | { readonly kind: 'done' }
  /** `into` held `max` and `carry` begins another unit: the first of the next batch. */
  | { readonly kind: 'full'; readonly carry: T };

/**
 * Appends to `into` what a query has ready within this turn of the event loop (a page already
 * read comes at once; waiting for the store ends the turn), at least `max` items unless the query
 * ends, never splitting a unit (`sameUnit`: the envelopes of one stored event). Projections and
 * views batch their work this way: catching up goes at the query's page speed, while a live tail
 * hands on each event as it comes.
 *
 * `pending()` returns the `next()` in flight or starts one, and `consumed()` clears it: a read that
 * loses the race with the end of the turn stays in flight and is the next one, so nothing is lost.
 */
export async function takeReady<T>(
  pending: () => Promise<IteratorResult<T>>,
  consumed: () => void,
  into: T[],
  max: number,
  sameUnit: (a: T, b: T) => boolean,
): Promise<ReadyOutcome<T>> {
  let turnOver = false;
  const endOfTurn = new Promise<typeof END_OF_TURN>((resolve) =>
    setImmediate(() => {
      turnOver = true;
      resolve(END_OF_TURN);
    }),
  );
  while (!turnOver) {
    const result = await Promise.race([pending(), endOfTurn]);
    if (result === END_OF_TURN) break;
    consumed();
    if (result.done === true) return { kind: 'done' };
    if (into.length >= max && !sameUnit(result.value, into[into.length - 1]!)) return { kind: 'full', carry: result.value };
    into.push(result.value);
  }
  return { kind: 'endOfTurn' };
}
