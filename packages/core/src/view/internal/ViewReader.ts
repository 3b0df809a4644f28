import type { EventEnvelope } from '../../query/EventEnvelope.js';
import type { ReadJournal } from '../../query/ReadJournal.js';
import { takeReady } from '../../query/takeReady.js';
import { keyOf, type ViewCursor } from './ViewCursor.js';

export interface Batch<E> {
  readonly envelopes: readonly EventEnvelope<E>[];
  /** The query completed (or was closed) after these. */
  readonly done: boolean;
}

/**
 * One query of a view, from its cursor: live (`eventsBy*`) or current (`currentEventsBy*`). It
 * skips the envelopes of the cursor's current stored event that were applied already.
 */
export class ViewReader<E> {
  private readonly controller = new AbortController();
  private readonly iterator: AsyncIterator<EventEnvelope<E>>;
  private readonly kind: 'persistenceId' | 'tag';
  private skipKey: string | number | undefined;
  private skipCount: number;
  private closed = false;
  /** Read past the end of a batch: the first of the next one. */
  private carry: EventEnvelope<E> | undefined;
  private inFlight: Promise<IteratorResult<EventEnvelope<E>>> | undefined;

  constructor(
    readJournal: ReadJournal<E>,
    source: { readonly kind: 'persistenceId'; readonly persistenceId: string } | { readonly kind: 'tag'; readonly tag: string },
    cursor: ViewCursor,
    readonly live: boolean,
  ) {
    this.kind = source.kind;
    this.skipKey = cursor.current?.key;
    this.skipCount = cursor.current?.applied ?? 0;
    const options = { signal: this.controller.signal };
    let events: AsyncIterable<EventEnvelope<E>>;
    if (source.kind === 'persistenceId') {
      const from = cursor.current === undefined ? Number(cursor.before) + 1 : Number(cursor.current.key);
      events = live
        ? readJournal.eventsByPersistenceId(source.persistenceId, from, Infinity, options)
        : readJournal.currentEventsByPersistenceId(source.persistenceId, from, Infinity, options);
    } else {
      const after = readJournal.parseOffset(String(cursor.before));
      events = live ? readJournal.eventsByTag(source.tag, after, options) : readJournal.currentEventsByTag(source.tag, after, options);
    }
    this.iterator = events[Symbol.asyncIterator]();
  }

  /**
   * The envelopes ready now: waits for the first as long as the query does, then takes those that
   * come within the same turn of the event loop (a page already read), at least `max` unless the
   * query ends, and never splitting the envelopes of one stored event. `track` counts the drain as
   * activity of the actor system.
   */
  async nextBatch(max: number, track: <V>(work: Promise<V>) => Promise<V>): Promise<Batch<E>> {
    const first = await this.next();
    if (first.done === true) return { envelopes: [], done: true };
    const envelopes = [first.value];
    const done = await track(this.drain(envelopes, max));
    return { envelopes, done };
  }

  /** True when the query completed. */
  private async drain(envelopes: EventEnvelope<E>[], max: number): Promise<boolean> {
    const outcome = await takeReady(
      () => this.pending(),
      () => (this.inFlight = undefined),
      envelopes,
      max,
      (a, b) => keyOf(this.kind, a) === keyOf(this.kind, b),
    );
    if (outcome.kind === 'full') this.carry = outcome.carry;
    return outcome.kind === 'done';
  }

  /** The next envelope to apply; done when the query completes or the reader was closed. */
  async next(): Promise<IteratorResult<EventEnvelope<E>>> {
    if (this.carry !== undefined) {
      const value = this.carry;
      this.carry = undefined;
      return { done: false, value };
    }
    const result = await this.pending();
    this.inFlight = undefined;
    return result;
  }

  /** The read in flight, or a new one; whoever uses its result clears `inFlight`. A read that lost a race with the end of a turn is still the next one. */
  private pending(): Promise<IteratorResult<EventEnvelope<E>>> {
    this.inFlight ??= this.read();
    return this.inFlight;
  }

  private async read(): Promise<IteratorResult<EventEnvelope<E>>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const result = await this.iterator.next();
      if (result.done === true || this.closed) return result.done === true ? result : { done: true, value: undefined };
      if (this.skipCount > 0 && keyOf(this.kind, result.value) === this.skipKey) {
        this.skipCount--;
        continue;
      }
      this.skipCount = 0;
      this.skipKey = undefined;
      return result;
    }
  }

  /** Ends the query: a `next()` in flight completes as done, and later ones at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.controller.abort();
    this.iterator.return?.().catch(() => undefined);
  }
}
