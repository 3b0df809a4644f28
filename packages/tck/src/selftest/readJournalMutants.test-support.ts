import { Offset, type EventEnvelope, type QueryOptions } from '@engram/core';
import { ReadJournal, type Journal, type JournalReader } from '@engram/core/spi';
import type { ReadJournalSettings, ReadJournalTckOptions } from '../ReadJournalTckOptions.js';
import { GapJournal, GapStorage, type GapBug } from './GapStore.test-support.js';
import { MemoryJournal } from './MemoryHandles.test-support.js';

/** A (possibly broken) store as the read-journal TCK sees it. */
export interface ReadJournalMutant {
  readonly name: string;
  readonly options: () => ReadJournalTckOptions<Journal>;
}

type Reader = JournalReader<number>;
type BuildReadJournal = (reader: Reader, settings: ReadJournalSettings) => ReadJournal;

/** Idle live queries check often, so the TCK's own tests wait less. */
const POLL_MS = 10;

const plainReadJournal: BuildReadJournal = (reader, settings) => new ReadJournal(reader, { ...settings, pollIntervalMs: POLL_MS }, false);

function readerOf(journal: Journal): Reader {
  if (journal.reader === undefined) throw new Error('the journal has no reader');
  return journal.reader as Reader;
}

/** A MemoryJournal read through `build` (default: core's ReadJournal over its reader). */
function memory(name: string, build: BuildReadJournal = plainReadJournal): ReadJournalMutant {
  return {
    name,
    options: () => ({
      name,
      create: async () => new MemoryJournal(),
      readJournal: async (journal, settings) => build(readerOf(journal), settings),
    }),
  };
}

/** The memory reader with some methods replaced. */
function readerMutant(name: string, change: (inner: Reader) => Partial<Reader>): ReadJournalMutant {
  return memory(name, (inner, settings) => plainReadJournal(override(inner, change(inner)), settings));
}

function override(inner: Reader, overrides: Partial<Reader>): Reader {
  return {
    offsetKind: inner.offsetKind,
    startPosition: inner.startPosition,
    pollIntervalMs: POLL_MS,
    formatPosition: (position) => inner.formatPosition(position),
    parsePosition: (text) => inner.parsePosition(text),
    readCeiling: () => inner.readCeiling(),
    readHorizon: () => inner.readHorizon(),
    readEvents: (query) => inner.readEvents(query),
    readEventsByPersistenceId: (pid, from, to, limit) => inner.readEventsByPersistenceId(pid, from, to, limit),
    readHighestSequenceNr: (pid) => inner.readHighestSequenceNr(pid),
    readPersistenceIds: (afterId, limit) => inner.readPersistenceIds(afterId, limit),
    readChangeMarker: () => inner.readChangeMarker(),
    ...overrides,
  };
}

/** A ReadJournal subclass with a bug of its own, over the correct memory reader. */
function queryMutant(name: string, Broken: new (reader: Reader, settings: ReadJournalSettings) => ReadJournal): ReadJournalMutant {
  return memory(name, (reader, settings) => new Broken(override(reader, {}), settings));
}

class Base extends ReadJournal {
  constructor(reader: Reader, settings: ReadJournalSettings) {
    super(reader, { ...settings, pollIntervalMs: POLL_MS }, false);
  }
}

/** Shared storage with writes that commit out of order, and a torture writer: the gap torture's store. */
export function gapStore(name: string, bugs: readonly GapBug[] = []): ReadJournalMutant {
  return {
    name,
    options: () => {
      const storage = new GapStorage();
      return {
        name,
        create: async () => new GapJournal(storage, bugs),
        readJournal: async (journal, settings) => plainReadJournal(readerOf(journal), settings),
        tortureWriter: async (journal) => (journal as GapJournal).tortureWriter(),
        sharedStorage: true,
      };
    },
  };
}

export const correctMemory = memory('correct (memory)');
export const correctGapStore = gapStore('correct (gap store with a torture writer)');

/** An iterable whose iterator's `return` does nothing: breaking out leaves the query running. */
function unstoppable<T>(iterable: AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => {
      const inner = iterable[Symbol.asyncIterator]();
      return { next: () => inner.next(), return: async () => ({ done: true, value: undefined }) };
    },
  };
}

export const readJournalMutants: readonly ReadJournalMutant[] = [
  // the store's global reads
  readerMutant('readEvents ignores limit', (inner) => ({ readEvents: (query) => inner.readEvents({ ...query, limit: 1_000_000_000 }) })),
  readerMutant('readEvents includes the event at after', (inner) => ({ readEvents: (query) => inner.readEvents({ ...query, after: Math.max(0, query.after - 1) }) })),
  readerMutant('readEvents ignores upTo', (inner) => ({
    readEvents: ({ upTo: _ignored, ...query }) => inner.readEvents(query),
  })),
  readerMutant('readEvents ignores the tag', (inner) => ({
    readEvents: ({ tag: _ignored, ...query }) => inner.readEvents(query),
  })),
  readerMutant('readEvents drops the first event of every page but the first', (inner) => ({
    readEvents: async (query) => {
      const page = await inner.readEvents(query);
      return query.after === inner.startPosition ? page : { ...page, events: page.events.slice(1) };
    },
  })),
  readerMutant('readEvents returns each page newest first', (inner) => ({
    readEvents: async (query) => {
      const page = await inner.readEvents(query);
      return { ...page, events: [...page.events].reverse() };
    },
  })),
  readerMutant('readChangeMarker never changes (live queries never wake)', () => ({ readChangeMarker: async () => 'same' })),
  // positions
  readerMutant('parsePosition accepts any text', (inner) => ({ parsePosition: (text) => (/^\d+$/.test(text) ? inner.parsePosition(text) : 0) })),
  readerMutant('formatPosition prints the position before', () => ({ formatPosition: (position) => String(Math.max(0, position - 1)) })),
  // reads by persistenceId, persistenceIds
  readerMutant('readEventsByPersistenceId ignores toSequenceNr', (inner) => ({
    readEventsByPersistenceId: (pid, from, _to, limit) => inner.readEventsByPersistenceId(pid, from, Infinity, limit),
  })),
  readerMutant('readEventsByPersistenceId ignores limit', (inner) => ({
    readEventsByPersistenceId: (pid, from, to) => inner.readEventsByPersistenceId(pid, from, to, 1_000_000_000),
  })),
  readerMutant('readHighestSequenceNr is unbounded (current queries by id run on)', () => ({ readHighestSequenceNr: async () => Infinity })),
  readerMutant('readHighestSequenceNr of an unknown id rejects', (inner) => ({
    readHighestSequenceNr: async (pid) => {
      const highest = await inner.readHighestSequenceNr(pid);
      if (highest === 0) throw new Error(`no events for ${pid}`);
      return highest;
    },
  })),
  readerMutant('readPersistenceIds repeats afterId', (inner) => ({
    readPersistenceIds: async (afterId, limit) => {
      const ids = await inner.readPersistenceIds(afterId, Math.max(1, limit - 1));
      return afterId === undefined ? ids : [afterId, ...ids];
    },
  })),
  // the query layer
  queryMutant(
    'currentEventsByTag stays live',
    class extends Base {
      override currentEventsByTag(tag: string, offset?: Offset, options?: QueryOptions): AsyncIterable<EventEnvelope> {
        return this.eventsByTag(tag, offset, options);
      }
    },
  ),
  queryMutant(
    'eventsByPersistenceId ignores toSequenceNr',
    class extends Base {
      override eventsByPersistenceId(pid: string, from?: number, _to?: number, options?: QueryOptions): AsyncIterable<EventEnvelope> {
        return super.eventsByPersistenceId(pid, from, Infinity, options);
      }
    },
  ),
  queryMutant(
    'currentEventsByPersistenceId reads (to, from) when from is above to',
    class extends Base {
      override currentEventsByPersistenceId(pid: string, from = 0, to = Infinity, options?: QueryOptions): AsyncIterable<EventEnvelope> {
        return from > to ? super.currentEventsByPersistenceId(pid, to, from, options) : super.currentEventsByPersistenceId(pid, from, to, options);
      }
    },
  ),
  queryMutant(
    'live queries ignore their abort signal',
    class extends Base {
      override eventsByTag(tag: string, offset?: Offset): AsyncIterable<EventEnvelope> {
        return super.eventsByTag(tag, offset);
      }
      override allEvents(offset?: Offset): AsyncIterable<EventEnvelope> {
        return super.allEvents(offset);
      }
      override eventsByPersistenceId(pid: string, from?: number, to?: number): AsyncIterable<EventEnvelope> {
        return super.eventsByPersistenceId(pid, from, to);
      }
      override persistenceIds(): AsyncIterable<string> {
        return super.persistenceIds();
      }
    },
  ),
  queryMutant(
    'parseOffset accepts offsets of other stores',
    class extends Base {
      override parseOffset(text: string): Offset {
        return Offset.parse(text);
      }
    },
  ),
  queryMutant(
    'allEvents resumed from an offset starts over',
    class extends Base {
      override allEvents(_offset?: Offset, options?: QueryOptions): AsyncIterable<EventEnvelope> {
        return super.allEvents(Offset.start, options);
      }
    },
  ),
  queryMutant(
    'breaking out of a query does not end it',
    class extends Base {
      override currentEventsByTag(tag: string, offset?: Offset, options?: QueryOptions): AsyncIterable<EventEnvelope> {
        return unstoppable(super.currentEventsByTag(tag, offset, options));
      }
      override eventsByPersistenceId(pid: string, from?: number, to?: number, options?: QueryOptions): AsyncIterable<EventEnvelope> {
        return unstoppable(super.eventsByPersistenceId(pid, from, to, options));
      }
    },
  ),
  // stores whose writes commit out of order
  gapStore('reads past writes still in flight (skips events that commit later below it)', ['reads past in-flight writes']),
  gapStore('reads writes still in flight (dirty reads, rolled-back events)', ['dirty reads']),
  gapStore('global reads return deleted events', ['global reads return deleted events']),
  gapStore('reads by persistenceId return deleted events', ['reads by id return deleted events']),
];
