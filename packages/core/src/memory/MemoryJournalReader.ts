import type { GlobalPage, GlobalQuery, JournalReader, PositionedEvent } from '../spi/JournalReader.js';
import type { StoredEvent, Stream } from './MemoryJournal.js';

/** What the reader sees of a MemoryJournal's structures. */
export interface MemoryLog {
  streams(): ReadonlyMap<string, Stream>;
  log(): readonly StoredEvent[];
  byTag(tag: string): readonly StoredEvent[] | undefined;
  lastOrdering(): number;
  ensureOpen(operation: string, persistenceId: string | undefined): void;
}

/**
 * The MemoryJournal's query side. Writes land whole, in call order, before their promise settles,
 * so the insertion order is the commit order and nothing can appear behind a reader: every page
 * is complete. Positions are the insertion ordering (1, 2, ...).
 */
export class MemoryJournalReader implements JournalReader<number> {
  readonly offsetKind = 'memory';
  readonly startPosition = 0;
  readonly pollIntervalMs = 100;

  constructor(private readonly journal: MemoryLog) {}

  formatPosition(position: number): string {
    return String(position);
  }

  parsePosition(text: string): number {
    if (!/^\d{1,15}$/.test(text)) throw new Error('expected a non-negative integer');
    return Number(text);
  }

  async readCeiling(): Promise<number> {
    this.journal.ensureOpen('readCeiling', undefined);
    return this.journal.lastOrdering();
  }

  readHorizon(): Promise<number> {
    return this.readCeiling();
  }

  async readEvents(query: GlobalQuery<number>): Promise<GlobalPage<number>> {
    this.journal.ensureOpen('readEvents', undefined);
    const source = query.tag === undefined ? this.journal.log() : (this.journal.byTag(query.tag) ?? []);
    const streams = this.journal.streams();
    const upTo = query.upTo ?? Infinity;
    const events: PositionedEvent<number>[] = [];
    let i = firstAfter(source, query.after);
    for (; i < source.length && events.length < query.limit; i++) {
      const stored = source[i]!;
      if (stored.ordering > upTo) break;
      const stream = streams.get(stored.repr.persistenceId);
      if (stream === undefined || stored.repr.sequenceNr <= stream.deletedTo) continue;
      events.push({ position: stored.ordering, repr: stored.repr });
    }
    const complete = events.length < query.limit || i >= source.length || source[i]!.ordering > upTo;
    return { events, complete };
  }

  async readEventsByPersistenceId(persistenceId: string, fromSequenceNr: number, toSequenceNr: number, limit: number): Promise<readonly PositionedEvent<number>[]> {
    this.journal.ensureOpen('readEventsByPersistenceId', persistenceId);
    const stream = this.journal.streams().get(persistenceId);
    if (stream === undefined) return [];
    const events: PositionedEvent<number>[] = [];
    for (let i = stream.firstLive; i < stream.events.length && events.length < limit; i++) {
      const stored = stream.events[i]!;
      const seq = stored.repr.sequenceNr;
      if (seq > toSequenceNr) break;
      if (seq >= fromSequenceNr) events.push({ position: stored.ordering, repr: stored.repr });
    }
    return events;
  }

  async readHighestSequenceNr(persistenceId: string): Promise<number> {
    this.journal.ensureOpen('readHighestSequenceNr', persistenceId);
    return this.journal.streams().get(persistenceId)?.highest ?? 0;
  }

  async readPersistenceIds(afterId: string | undefined, limit: number): Promise<readonly string[]> {
    this.journal.ensureOpen('readPersistenceIds', undefined);
    const ids = [...this.journal.streams().keys()].sort();
    const start = afterId === undefined ? 0 : ids.findIndex((id) => id > afterId);
    return start < 0 ? [] : ids.slice(start, start + limit);
  }

  async readChangeMarker(): Promise<string> {
    return String(this.journal.lastOrdering());
  }
}

/** Index of the first stored event with an ordering above `after`. */
function firstAfter(events: readonly StoredEvent[], after: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.ordering <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}
