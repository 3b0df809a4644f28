import { requireNumber } from '../errors/index.js';
import {
  InvalidPersistenceId,
  InvalidWrite,
  PayloadTooLarge,
  SequenceConflict,
  replayBounds,
  type AtomicWrite,
  type Journal,
  type PersistentRepr,
} from '../spi/index.js';
import type { JournalReader } from '../spi/JournalReader.js';
import { StoreClosed } from './errors.js';
import { MemoryJournalReader, type MemoryLog } from './MemoryJournalReader.js';
import { payloadSizeAtMost } from './utf8ByteLength.js';

export interface MemoryJournalOptions {
  /**
   * Largest accepted payload, in bytes (UTF-8 for text). A larger event is rejected with
   * `PayloadTooLarge`, like a real store would. Default 16 MiB.
   */
  readonly maxPayloadBytes?: number;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** One stored event and its place in the global insertion order (read by queries). */
export interface StoredEvent {
  readonly ordering: number;
  readonly repr: PersistentRepr;
}

export interface Stream {
  /** Ascending by sequenceNr. Entries before `firstLive` are deleted and wait for compaction. */
  events: StoredEvent[];
  firstLive: number;
  /** Sequence nrs up to this one are deleted (queries skip them in the global log). */
  deletedTo: number;
  /** Highest sequence nr ever stored; deletes never lower it. */
  highest: number;
}

/**
 * The journal of tests and first steps: everything lives in this process and is gone with it.
 * Payloads are kept as given, never copied. Writes take effect before the returned promise
 * settles, in call order.
 */
export class MemoryJournal implements Journal {
  readonly #maxPayloadBytes: number;
  readonly #streams = new Map<string, Stream>();
  /** Global insertion order: the ordering of the last stored event. */
  #lastOrdering = 0;
  /** Every stored event in global order (deleted ones included: readers skip them), and per tag. */
  readonly #log: StoredEvent[] = [];
  readonly #byTag = new Map<string, StoredEvent[]>();
  #closed = false;
  #reader: MemoryJournalReader | undefined;

  constructor(options: MemoryJournalOptions = {}) {
    this.#maxPayloadBytes = requireNumber(
      'MemoryJournal option maxPayloadBytes',
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      { min: 0, integer: true },
    );
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    this.#ensureOpen('writeMessages', writes[0]?.persistenceId);
    const results: (Error | undefined)[] = new Array<Error | undefined>(writes.length);
    /** Ids refused with SequenceConflict in this call, with the first sequence nr refused. */
    const refused = new Map<string, number>();
    for (let i = 0; i < writes.length; i++) {
      const write = writes[i]!;
      const pid = write.persistenceId;
      const stream = this.#streams.get(pid);
      const rejection = this.#validate(write, stream?.highest ?? 0);
      if (rejection instanceof SequenceConflict && !refused.has(pid)) refused.set(pid, rejection.sequenceNr);
      if (rejection !== undefined) {
        results[i] = rejection;
        continue;
      }
      // A stale writer's later write would land after another writer's events.
      const conflict = refused.get(pid);
      if (conflict !== undefined) {
        results[i] = new SequenceConflict(pid, conflict);
        continue;
      }
      if (write.events.length > 0) this.#append(write, stream);
      results[i] = undefined;
    }
    return results;
  }

  async replayMessages(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<void> {
    this.#ensureOpen('replayMessages', persistenceId);
    const stream = this.#streams.get(persistenceId);
    const bounds = replayBounds(fromSequenceNr, toSequenceNr, max);
    if (stream === undefined || bounds === undefined) return;
    // Captured: a delete during the replay compacts into a new array, writes only append.
    const events = stream.events;
    const start = Math.max(stream.firstLive, firstIndexAbove(events, bounds.from - 1));
    const end = Math.min(firstIndexAbove(events, bounds.to), start + bounds.max);
    for (let i = start; i < end; i++) onEvent(events[i]!.repr);
  }

  async readHighestSequenceNr(persistenceId: string, _fromSequenceNr: number): Promise<number> {
    this.#ensureOpen('readHighestSequenceNr', persistenceId);
    return this.#streams.get(persistenceId)?.highest ?? 0;
  }

  async deleteMessagesTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    this.#ensureOpen('deleteMessagesTo', persistenceId);
    const stream = this.#streams.get(persistenceId);
    if (stream === undefined) return;
    const firstKept = firstIndexAbove(stream.events, toSequenceNr);
    if (firstKept <= stream.firstLive) return;
    stream.deletedTo = stream.events[firstKept - 1]!.repr.sequenceNr;
    stream.firstLive = firstKept;
    // Compact only once the dead prefix is the larger part, so deletes cost O(1) amortized.
    if (stream.firstLive * 2 >= stream.events.length) {
      stream.events = stream.events.slice(stream.firstLive);
      stream.firstLive = 0;
    }
  }

  /** The query side: events in insertion order, by tag and by id (see `MemoryReadJournal`). */
  get reader(): JournalReader<number> {
    this.#reader ??= new MemoryJournalReader(this.#view);
    return this.#reader;
  }

  readonly #view: MemoryLog = {
    streams: () => this.#streams,
    log: () => this.#log,
    byTag: (tag) => this.#byTag.get(tag),
    lastOrdering: () => this.#lastOrdering,
    ensureOpen: (operation, persistenceId) => this.#ensureOpen(operation, persistenceId),
  };

  async close(): Promise<void> {
    this.#closed = true;
    this.#streams.clear();
    this.#log.length = 0;
    this.#byTag.clear();
  }

  #ensureOpen(operation: string, persistenceId: string | undefined): void {
    if (this.#closed) throw new StoreClosed('MemoryJournal', operation, persistenceId);
  }

  /** The per-write rejection for `write`, or undefined when it can be stored whole. */
  #validate(write: AtomicWrite, highest: number): Error | undefined {
    const pid = write.persistenceId;
    if (pid.length === 0) {
      return new InvalidPersistenceId(pid, 'it must not be empty; nothing of this write was stored');
    }
    let previous = highest;
    for (const event of write.events) {
      const seq = event.sequenceNr;
      if (event.persistenceId !== pid) {
        return new InvalidPersistenceId(
          event.persistenceId,
          `event ${seq} names it but belongs to an AtomicWrite for ${JSON.stringify(pid)}; ` +
            `nothing of this write was stored`,
        );
      }
      if (!Number.isSafeInteger(seq) || seq < 1) {
        return new InvalidWrite(pid, seq, 'the sequence nr must be a positive integer');
      }
      if (seq <= highest) return new SequenceConflict(pid, seq);
      if (seq <= previous) {
        return new InvalidWrite(pid, seq, `it follows ${previous} in the same AtomicWrite; sequence nrs must ascend`);
      }
      previous = seq;
      const size = payloadSizeAtMost(event.payload, this.#maxPayloadBytes);
      if (size > this.#maxPayloadBytes) return new PayloadTooLarge(pid, seq, size, this.#maxPayloadBytes);
    }
    return undefined;
  }

  #append(write: AtomicWrite, existing: Stream | undefined): void {
    const stream = existing ?? { events: [], firstLive: 0, deletedTo: 0, highest: 0 };
    if (existing === undefined) this.#streams.set(write.persistenceId, stream);
    for (const repr of write.events) {
      const stored = { ordering: ++this.#lastOrdering, repr };
      stream.events.push(stored);
      this.#log.push(stored);
      for (const tag of new Set(repr.tags)) {
        const tagged = this.#byTag.get(tag);
        if (tagged === undefined) this.#byTag.set(tag, [stored]);
        else tagged.push(stored);
      }
      stream.highest = repr.sequenceNr;
    }
  }
}

/** Index of the first event whose sequenceNr is above `sequenceNr` (events.length when none). */
function firstIndexAbove(events: readonly StoredEvent[], sequenceNr: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid]!.repr.sequenceNr <= sequenceNr) low = mid + 1;
    else high = mid;
  }
  return low;
}
