import { InvalidArgument } from '../errors/index.js';
import type { EventEnvelope } from '../query/EventEnvelope.js';
import type { Offset } from '../query/Offset.js';
import type { Backlog, ReadJournal } from '../query/ReadJournal.js';

/** Per call of `SourceProvider.events`. */
export interface SourceOptions {
  /** Aborted when the projection stops, pauses or restarts: the iteration must then end (complete). */
  readonly signal: AbortSignal;
}

/**
 * Where a projection reads its envelopes. The read journal's queries are ready-made
 * (`SourceProvider.eventsByTag`, `SourceProvider.allEvents`); write your own for another feed.
 *
 * The contract:
 * - `events(from)` returns the envelopes after `from` (exclusive), live (it may never complete),
 *   and ends when `signal` aborts.
 * - Envelopes that share an offset (an event adapter turned one stored event into several) come
 *   one right after the other, without waiting in between, as the read journal yields them: the
 *   projection takes an offset as finished when the next envelope has another offset or is not yet
 *   available, and never stores an offset in the middle of such a run.
 */
export interface SourceProvider<E = unknown> {
  events(from: Offset, options: SourceOptions): AsyncIterable<EventEnvelope<E>>;
  /** Reads a stored offset text (`String(offset)`) back; throws when it is not an offset of this source. */
  parseOffset(text: string): Offset;
  /** Optional: how many events come after `from`, for the status' lag; without it the lag is unknown. */
  backlog?(from: Offset, limit: number): Promise<Backlog>;
}

export const SourceProvider = {
  /** Events carrying `tag`, in global order: the usual source of a projection. */
  eventsByTag<E>(readJournal: ReadJournal<E>, tag: string): SourceProvider<E> {
    requireReadJournal(readJournal);
    if (typeof tag !== 'string' || tag.length === 0) throw new InvalidArgument('SourceProvider.eventsByTag tag', tag, 'a non-empty string');
    return {
      events: (from, options) => readJournal.eventsByTag(tag, from, options),
      parseOffset: (text) => readJournal.parseOffset(text),
      backlog: (from, limit) => readJournal.backlog(from, { tag, limit }),
    };
  },

  /** Every event of the journal, in global order. */
  allEvents<E>(readJournal: ReadJournal<E>): SourceProvider<E> {
    requireReadJournal(readJournal);
    return {
      events: (from, options) => readJournal.allEvents(from, options),
      parseOffset: (text) => readJournal.parseOffset(text),
      backlog: (from, limit) => readJournal.backlog(from, { limit }),
    };
  },
} as const;

function requireReadJournal(readJournal: unknown): void {
  const candidate = readJournal as Partial<ReadJournal> | null | undefined;
  if (typeof candidate?.eventsByTag !== 'function' || typeof candidate.backlog !== 'function') {
    throw new InvalidArgument('SourceProvider read journal', readJournal, 'a ReadJournal');
  }
}
