import type { EventEnvelope } from '../../query/EventEnvelope.js';
import type { ReadJournal } from '../../query/ReadJournal.js';
import { keyOf, type ViewCursor } from './ViewCursor.js';

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

  /** The next envelope to apply; done when the query completes or the reader was closed. */
  async next(): Promise<IteratorResult<EventEnvelope<E>>> {
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
