import { SystemScheduler, type Scheduler } from '../actor/Scheduler.js';
import { InvalidArgument, requireNumber } from '../errors/index.js';
import { settlesWithin } from '../persistence/internal/closeStores.js';
import { EventAdapters, type EventAdapter } from '../serialization/EventAdapter.js';
import { Serialization, type SerializationConfig } from '../serialization/Serialization.js';
import type { GlobalPage, JournalReader, PositionedEvent } from '../spi/JournalReader.js';
import type { PersistentRepr } from '../spi/PersistentRepr.js';
import { ChangeFeed } from './ChangeFeed.js';
import { EventNotReadable, InvalidOffset, QueryUnavailable } from './errors.js';
import type { EventEnvelope } from './EventEnvelope.js';
import { flattenPages } from './flattenPages.js';
import { Offset } from './Offset.js';

export interface ReadJournalOptions<E = unknown> {
  /** The serializers the writers used (or the actor system's `Serialization`). Default: JSON and V8. */
  readonly serialization?: Serialization | SerializationConfig;
  /** Turns stored events into today's events, as in recovery (upcasting). Default: identity. */
  readonly eventAdapter?: EventAdapter<E, unknown>;
  /** Events read per store request. Default 1,000. */
  readonly pageSize?: number;
  /** How often idle live queries check the store for new events. Default: the store's, else 100 ms. */
  readonly pollIntervalMs?: number;
  /** Clock of the polling; tests pass a manual one. Default: the real clock. */
  readonly scheduler?: Scheduler;
  /** Where poll failures go (the next poll retries). Default: `console.warn`. */
  readonly onPollError?: (error: unknown) => void;
}

/** Per query: stop a live (or current) query from outside, e.g. when its consumer shuts down. */
export interface QueryOptions {
  /** Ends the iteration (it completes) when aborted, also while it waits for new events. */
  readonly signal?: AbortSignal;
}

/** Which events `backlog` counts. */
export interface BacklogOptions {
  /** Only events carrying this tag; every event when absent. */
  readonly tag?: string;
  /** Stop counting here (the count is then `capped`). Default 100,000. */
  readonly limit?: number;
}

/** The committed events after an offset: how far a consumer at that offset is behind. */
export interface Backlog {
  /** Stored events after the offset, at most the limit (an event adapter may turn one into several envelopes). */
  readonly events: number;
  /** True when there are more than `events`: counting stopped at the limit. */
  readonly capped: boolean;
  /** When the first of them was written (ms since the epoch); undefined when there are none. */
  readonly oldestTimestamp: number | undefined;
}

/**
 * Persistence query over one store: events by persistenceId, by tag and in global order, and the
 * persistenceIds, each as an `AsyncIterable`. Queries named `current*` complete with what was
 * committed when they started; the others stay live and return new events as they are committed.
 *
 * Pages are read only as the consumer pulls (back-pressure): a slow consumer never makes the reader
 * buffer the journal, and breaking out of `for await` ends the query. `Readable.from(query)` gives a
 * Node stream. Idle live queries share one wake-up (see `ChangeFeed`).
 *
 * Each store exports its own subclass (`MemoryReadJournal`, `SqliteReadJournal`,
 * `PostgresReadJournal`); in an actor system, `PersistenceQuery.get(system).readJournal()`.
 */
export class ReadJournal<E = unknown> {
  private readonly serialization: Serialization;
  private readonly adapter: EventAdapter<E, unknown>;
  private readonly pageSize: number;
  private readonly feed: ChangeFeed;
  private readonly scheduler: Scheduler;
  /** The queries' store reads still running: `close()` lets them end before the store goes. */
  private readonly reading = new Set<Promise<unknown>>();
  private closed = false;

  /**
   * @param ownsReader close the reader with `close()` (false for a journal's shared reader)
   */
  constructor(
    private readonly reader: JournalReader<unknown>,
    options: ReadJournalOptions<E> = {},
    private readonly ownsReader = true,
  ) {
    const serialization = options.serialization;
    this.serialization = serialization instanceof Serialization ? serialization : new Serialization(serialization);
    this.adapter = options.eventAdapter ?? (EventAdapters.identity<E>() as EventAdapter<E, unknown>);
    this.pageSize = requireNumber('read journal option pageSize', options.pageSize ?? 1000, { min: 1, integer: true });
    const pollIntervalMs = requireNumber('read journal option pollIntervalMs', options.pollIntervalMs ?? reader.pollIntervalMs ?? 100, {
      min: 1,
    });
    const onPollError = options.onPollError ?? ((error) => console.warn('engram read journal: checking for new events failed', error));
    this.scheduler = options.scheduler ?? new SystemScheduler();
    this.feed = new ChangeFeed(reader, this.scheduler, pollIntervalMs, onPollError);
  }

  /** The kind of store, as printed in its offsets (`sqlite`, `postgres`, `memory`). */
  get offsetKind(): string {
    return this.reader.offsetKind;
  }

  /** The events of one id from `fromSequenceNr` to `toSequenceNr` (inclusive), then new ones as they come. */
  eventsByPersistenceId(persistenceId: string, fromSequenceNr = 0, toSequenceNr = Infinity, options: QueryOptions = {}): AsyncIterable<EventEnvelope<E>> {
    return this.byPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, true, options);
  }

  /** The stored events of one id from `fromSequenceNr` to `toSequenceNr` (inclusive); completes. */
  currentEventsByPersistenceId(persistenceId: string, fromSequenceNr = 0, toSequenceNr = Infinity, options: QueryOptions = {}): AsyncIterable<EventEnvelope<E>> {
    return this.byPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, false, options);
  }

  /** Events carrying `tag`, in global order, after `offset`; stays live. */
  eventsByTag(tag: string, offset: Offset = Offset.start, options: QueryOptions = {}): AsyncIterable<EventEnvelope<E>> {
    return this.global(requireTag(tag), offset, true, options);
  }

  /** Events carrying `tag`, in global order, after `offset`, up to what was committed when the query started. */
  currentEventsByTag(tag: string, offset: Offset = Offset.start, options: QueryOptions = {}): AsyncIterable<EventEnvelope<E>> {
    return this.global(requireTag(tag), offset, false, options);
  }

  /** Every event, in global order, after `offset`; stays live. */
  allEvents(offset: Offset = Offset.start, options: QueryOptions = {}): AsyncIterable<EventEnvelope<E>> {
    return this.global(undefined, offset, true, options);
  }

  /** Every event, in global order, after `offset`, up to what was committed when the query started. */
  currentAllEvents(offset: Offset = Offset.start, options: QueryOptions = {}): AsyncIterable<EventEnvelope<E>> {
    return this.global(undefined, offset, false, options);
  }

  /** Every persistenceId with stored events, once each, then ids as they first persist. */
  persistenceIds(options: QueryOptions = {}): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.iteratePersistenceIds(true, options.signal) };
  }

  /** Every persistenceId with stored events when the query started, once each; completes. */
  currentPersistenceIds(options: QueryOptions = {}): AsyncIterable<string> {
    return { [Symbol.asyncIterator]: () => this.iteratePersistenceIds(false, options.signal) };
  }

  /** Reads `text` (an offset's `String(...)`) back, checking it belongs to this kind of store. */
  parseOffset(text: string): Offset {
    const offset = Offset.parse(text);
    this.positionOf(offset);
    return offset;
  }

  /**
   * Counts the committed events after `offset` (exclusive), in global order or with `tag`, up to
   * `limit`, without decoding them: a projection's lag. Reads the store page by page, so keep the
   * limit modest.
   */
  async backlog(offset: Offset, options: BacklogOptions = {}): Promise<Backlog> {
    const tag = options.tag === undefined ? undefined : requireTag(options.tag);
    const limit = requireNumber('backlog limit', options.limit ?? 100_000, { min: 1, integer: true });
    let after = this.positionOf(offset);
    this.ensureOpen();
    const upTo = await this.reader.readCeiling();
    let counted = 0;
    let oldestTimestamp: number | undefined;
    // One past the limit tells "exactly the limit" from "more than it".
    while (counted <= limit && !this.closed) {
      const want = Math.min(this.pageSize, limit + 1 - counted);
      const page = await this.reader.readEvents(tag === undefined ? { after, limit: want, upTo } : { after, tag, limit: want, upTo });
      const first = page.events[0];
      if (first !== undefined && oldestTimestamp === undefined) oldestTimestamp = first.repr.timestamp;
      counted += page.events.length;
      const last = page.events[page.events.length - 1];
      // A short page: the rest is not committed yet (or there is none); lag counts what is visible.
      if (last === undefined || page.events.length < want || page.complete) break;
      after = last.position;
    }
    return { events: Math.min(counted, limit), capped: counted > limit, oldestTimestamp };
  }

  /**
   * @internal Wakes the live queries: something was just committed in this process. The actor
   * system calls it after every write of its journal.
   */
  notifyWritten(): void {
    this.feed.notify();
  }

  /**
   * Ends every query (they complete, also one whose store read is still running) and releases the
   * reader if this read journal owns it. Waits up to 5 s for the store reads in progress, so that
   * a system closes its journal after the queries have stopped reading it.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.feed.close();
    if (this.reading.size > 0) await settlesWithin(this.scheduler, CLOSE_WAIT_MS, Promise.allSettled(this.reading));
    if (this.ownsReader) await this.reader.close?.();
  }

  /**
   * One store read of a query. When the read journal closes (or the query's signal aborts) while
   * it runs, a failure it then ends with (the store going away under it) ends the query instead:
   * it completes, as `close()` promises, rather than throwing the store's error at the consumer.
   */
  private async read<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T | typeof ENDED> {
    const pending = call();
    this.reading.add(pending);
    try {
      return await pending;
    } catch (error) {
      if (this.stopped(signal)) return ENDED;
      throw error;
    } finally {
      this.reading.delete(pending);
    }
  }

  private global(tag: string | undefined, offset: Offset, live: boolean, options: QueryOptions): AsyncIterable<EventEnvelope<E>> {
    const after = this.positionOf(offset);
    return { [Symbol.asyncIterator]: () => flattenPages(this.globalPages(tag, after, live, options.signal)) };
  }

  private async *globalPages(tag: string | undefined, from: unknown, live: boolean, signal: AbortSignal | undefined): AsyncGenerator<EventEnvelope<E>[]> {
    this.ensureOpen();
    let after = from;
    const upTo = live ? undefined : await this.read(signal, () => this.reader.readCeiling());
    if (upTo === ENDED) return;
    while (!this.stopped(signal)) {
      const mark = this.feed.mark();
      const page: GlobalPage<unknown> | typeof ENDED = await this.read(signal, () =>
        this.reader.readEvents(
          tag === undefined ? { after, limit: this.pageSize, ...(upTo === undefined ? {} : { upTo }) } : { after, tag, limit: this.pageSize, ...(upTo === undefined ? {} : { upTo }) },
        ),
      );
      if (page === ENDED) return;
      yield* this.decoded(page.events);
      const last = page.events[page.events.length - 1];
      if (last !== undefined) after = last.position;
      if (upTo !== undefined && page.complete) return;
      if (page.events.length < this.pageSize) await this.feed.waitForChange(mark, signal);
      else await yieldToEventLoop();
    }
  }

  private byPersistenceId(persistenceId: string, fromSequenceNr: number, toSequenceNr: number, live: boolean, options: QueryOptions): AsyncIterable<EventEnvelope<E>> {
    if (typeof persistenceId !== 'string') throw new InvalidArgument('persistenceId', persistenceId, 'a string');
    requireNumber('fromSequenceNr', fromSequenceNr, { min: 0 });
    if (toSequenceNr !== Infinity) requireNumber('toSequenceNr', toSequenceNr, { min: 0, integer: true });
    return {
      [Symbol.asyncIterator]: () => flattenPages(this.persistenceIdPages(persistenceId, fromSequenceNr, toSequenceNr, live, options.signal)),
    };
  }

  private async *persistenceIdPages(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    live: boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<EventEnvelope<E>[]> {
    this.ensureOpen();
    let next = Math.max(1, Math.ceil(fromSequenceNr));
    // A current query ends at the highest sequence nr stored when it started.
    let end = toSequenceNr;
    if (!live) {
      const highest = await this.read(signal, () => this.reader.readHighestSequenceNr(persistenceId));
      if (highest === ENDED) return;
      end = Math.min(end, highest);
    }
    while (next <= end && !this.stopped(signal)) {
      const mark = this.feed.mark();
      const events = await this.read(signal, () => this.reader.readEventsByPersistenceId(persistenceId, next, end, this.pageSize));
      if (events === ENDED) return;
      yield* this.decoded(events);
      const last = events[events.length - 1];
      if (last !== undefined) next = last.repr.sequenceNr + 1;
      if (events.length < this.pageSize) {
        if (!live) return;
        if (next > end) return;
        await this.feed.waitForChange(mark, signal);
      } else {
        await yieldToEventLoop();
      }
    }
  }

  private async *iteratePersistenceIds(live: boolean, signal: AbortSignal | undefined): AsyncGenerator<string> {
    this.ensureOpen();
    // Live: ids that first persist later are found in the global order, after a horizon read
    // before the scan (every event not committed then comes after it).
    const follow: unknown = live ? await this.read(signal, () => this.reader.readHorizon()) : undefined;
    if (follow === ENDED) return;
    const seen = live ? new Set<string>() : undefined;
    let afterId: string | undefined;
    while (!this.stopped(signal)) {
      const ids = await this.read(signal, () => this.reader.readPersistenceIds(afterId, this.pageSize));
      if (ids === ENDED) return;
      for (const id of ids) {
        seen?.add(id);
        yield id;
      }
      if (ids.length < this.pageSize) break;
      afterId = ids[ids.length - 1];
    }
    if (seen === undefined) return;
    let after = follow;
    while (!this.stopped(signal)) {
      const mark = this.feed.mark();
      const page = await this.read(signal, () => this.reader.readEvents({ after, limit: this.pageSize }));
      if (page === ENDED) return;
      for (const { position, repr } of page.events) {
        after = position;
        if (seen.has(repr.persistenceId)) continue;
        seen.add(repr.persistenceId);
        yield repr.persistenceId;
      }
      if (page.events.length < this.pageSize) await this.feed.waitForChange(mark, signal);
    }
  }

  /**
   * The page's envelopes, as one array (empty pages yield nothing). An event that cannot be read
   * ends the query with `EventNotReadable`, after the envelopes before it.
   */
  private *decoded(page: readonly PositionedEvent<unknown>[]): Generator<EventEnvelope<E>[]> {
    if (page.length === 0) return;
    const envelopes: EventEnvelope<E>[] = [];
    let failure: EventNotReadable | undefined;
    for (const stored of page) {
      failure = this.decodeInto(stored, envelopes);
      if (failure !== undefined) break;
    }
    if (envelopes.length > 0) yield envelopes;
    if (failure !== undefined) throw failure;
  }

  private decodeInto(stored: PositionedEvent<unknown>, into: EventEnvelope<E>[]): EventNotReadable | undefined {
    const repr = stored.repr;
    let events: readonly E[];
    let metadata: unknown;
    try {
      events = this.adapter.fromJournal(this.serialization.get(repr.serializerId).deserialize(repr.payload, repr.manifest), repr.manifest);
      if (repr.metadata !== undefined) {
        metadata = this.serialization.get(repr.metadata.serializerId).deserialize(repr.metadata.payload, repr.metadata.manifest);
      }
    } catch (error) {
      return new EventNotReadable(repr.persistenceId, repr.sequenceNr, repr.manifest, error);
    }
    const offset = Offset.at(this.reader, stored.position);
    for (const event of events) into.push(envelopeOf(repr, offset, event, metadata));
    return undefined;
  }

  private positionOf(offset: Offset): unknown {
    if (!(offset instanceof Offset)) {
      throw new InvalidOffset(String(offset), 'expected an Offset (Offset.start, an envelope offset or Offset.parse(text))');
    }
    if (offset.isStart) return this.reader.startPosition;
    if (offset.kind !== this.reader.offsetKind) {
      throw new InvalidOffset(String(offset), `it is an offset of a ${offset.kind} journal; this read journal reads a ${this.reader.offsetKind} journal`);
    }
    if (offset.position !== undefined) return offset.position;
    try {
      return this.reader.parsePosition(offset.positionText);
    } catch (error) {
      throw new InvalidOffset(String(offset), `not a position of a ${this.reader.offsetKind} journal: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }

  private stopped(signal: AbortSignal | undefined): boolean {
    return this.closed || signal?.aborted === true;
  }

  private ensureOpen(): void {
    if (this.closed) throw new QueryUnavailable('the read journal was closed');
  }
}

/** What `read` returns when the query ended while the store read ran. */
const ENDED: unique symbol = Symbol('query ended');

/** How long `close()` waits for the store reads in progress. */
const CLOSE_WAIT_MS = 5000;

function envelopeOf<E>(repr: PersistentRepr, offset: Offset, event: E, metadata: unknown): EventEnvelope<E> {
  const envelope = {
    offset,
    persistenceId: repr.persistenceId,
    sequenceNr: repr.sequenceNr,
    event,
    timestamp: repr.timestamp,
    tags: repr.tags,
  };
  return metadata === undefined ? envelope : { ...envelope, metadata };
}

/**
 * Between two full pages. A store that answers at once (SQLite, memory) would otherwise run a whole
 * catch-up in microtasks: no timer, I/O callback or other actor's turn would run until it ended.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function requireTag(tag: string): string {
  if (typeof tag !== 'string' || tag.length === 0) throw new InvalidArgument('tag', tag, 'a non-empty string');
  return tag;
}
