import type { EventEnvelope } from '../../query/EventEnvelope.js';

type Result = void | Promise<void>;

/** A handler threw: which envelope, at which index of the unit, and what it threw. */
export class HandlerThrew<E> {
  constructor(
    readonly envelope: EventEnvelope<E>,
    readonly index: number,
    readonly error: unknown,
  ) {}
}

/**
 * Calls `handle` for `envelopes[from..]` in order, staying synchronous as long as the handler is
 * (a SQLite transaction cannot wait for a Promise). The handler's error is reported to `onThrow`
 * and rethrown, so an enclosing transaction rolls back.
 */
export function callEach<E>(
  envelopes: readonly EventEnvelope<E>[],
  from: number,
  handle: (envelope: EventEnvelope<E>) => Result,
  onThrow: (threw: HandlerThrew<E>) => void,
): Result {
  for (let i = from; i < envelopes.length; i++) {
    const envelope = envelopes[i]!;
    let result: Result;
    try {
      result = handle(envelope);
    } catch (error) {
      onThrow(new HandlerThrew(envelope, i, error));
      throw error;
    }
    if (isThenable(result)) {
      const index = i;
      return Promise.resolve(result).then(
        () => callEach(envelopes, index + 1, handle, onThrow),
        (error: unknown) => {
          onThrow(new HandlerThrew(envelope, index, error));
          throw error;
        },
      );
    }
  }
  return undefined;
}

function isThenable(value: unknown): value is PromiseLike<void> {
  return typeof (value as PromiseLike<void> | undefined)?.then === 'function';
}
