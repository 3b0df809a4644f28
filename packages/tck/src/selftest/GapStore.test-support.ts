import {
  SequenceConflict,
  type AtomicWrite,
  type GlobalPage,
  type GlobalQuery,
  type Journal,
  type JournalReader,
  type PersistentRepr,
  type PositionedEvent,
} from '@engram/core/spi';
import type { TortureWriter } from '../ReadJournalTckOptions.js';

interface Row {
  readonly position: number;
  readonly repr: PersistentRepr;
}

interface Stream {
  /** Committed, ascending by sequence nr. */
  readonly rows: Row[];
  highest: number;
  deletedTo: number;
}

/** Bugs real stores have had, for the TCK's own tests to catch. */
export type GapBug =
  /** Reads every committed event, also past a write still in flight that will commit below it. */
  | 'reads past in-flight writes'
  /** Returns events of writes still in flight (which may roll back). */
  | 'dirty reads'
  /** Global (tag and all-events) reads return deleted events. */
  | 'global reads return deleted events'
  /** Reads by persistenceId return deleted events. */
  | 'reads by id return deleted events';

/**
 * A store whose writes take their global positions when they begin and become visible when they
 * commit, as rows numbered by a database sequence do: a write that began earlier can commit after
 * one that began later, leaving a gap that fills in later (or never, when it rolls back). Lets the
 * TCK's own tests show that the gap torture catches readers that skip or read dirty.
 */
export class GapStorage {
  #nextPosition = 1;
  #changes = 0;
  readonly #committed: Row[] = [];
  readonly #inFlight = new Map<number, Row>();
  readonly #streams = new Map<string, Stream>();
  /** Highest sequence nr per id including writes in flight: the engine never overlaps them. */
  readonly #reserved = new Map<string, number>();

  /** Takes positions for `writes` now; `finish` commits or rolls them back. */
  begin(writes: readonly AtomicWrite[]): { readonly results: (Error | undefined)[]; finish(commit: boolean): void } {
    const results: (Error | undefined)[] = [];
    const rows: Row[] = [];
    for (const write of writes) {
      const first = write.events[0]?.sequenceNr ?? 0;
      if (first <= (this.#reserved.get(write.persistenceId) ?? 0)) {
        results.push(new SequenceConflict(write.persistenceId, first));
        continue;
      }
      results.push(undefined);
      for (const repr of write.events) {
        const row = { position: this.#nextPosition++, repr };
        rows.push(row);
        this.#inFlight.set(row.position, row);
        this.#reserved.set(repr.persistenceId, repr.sequenceNr);
      }
    }
    return {
      results,
      finish: (commit) => {
        for (const row of rows) {
          this.#inFlight.delete(row.position);
          // A rolled-back write's sequence nrs stay reserved: the TCK's writers never reuse them.
          if (commit) this.#commit(row);
        }
        this.#changes++;
      },
    };
  }

  #commit(row: Row): void {
    let at = this.#committed.length;
    while (at > 0 && this.#committed[at - 1]!.position > row.position) at--;
    this.#committed.splice(at, 0, row);
    const pid = row.repr.persistenceId;
    let stream = this.#streams.get(pid);
    if (stream === undefined) {
      stream = { rows: [], highest: 0, deletedTo: 0 };
      this.#streams.set(pid, stream);
    }
    stream.rows.push(row);
    stream.highest = Math.max(stream.highest, row.repr.sequenceNr);
  }

  stream(pid: string): Stream | undefined {
    return this.#streams.get(pid);
  }

  ids(): string[] {
    return [...this.#streams.keys()].sort();
  }

  delete(pid: string, to: number): void {
    const stream = this.#streams.get(pid);
    if (stream !== undefined) stream.deletedTo = Math.max(stream.deletedTo, to);
    this.#changes++;
  }

  isDeleted(repr: PersistentRepr): boolean {
    return repr.sequenceNr <= (this.#streams.get(repr.persistenceId)?.deletedTo ?? 0);
  }

  /** The last position handed out. */
  ceiling(): number {
    return this.#nextPosition - 1;
  }

  /** Below the lowest position still in flight: nothing can appear at or before it any more. */
  horizon(): number {
    let lowest = Infinity;
    for (const position of this.#inFlight.keys()) lowest = Math.min(lowest, position);
    return lowest === Infinity ? this.ceiling() : lowest - 1;
  }

  committedAfter(after: number): Row[] {
    return this.#committed.filter((row) => row.position > after);
  }

  inFlightAfter(after: number): Row[] {
    return [...this.#inFlight.values()].filter((row) => row.position > after);
  }

  changes(): number {
    return this.#changes;
  }
}

/** One connection to a GapStorage: a Journal, its reader, and a torture writer. */
export class GapJournal implements Journal {
  readonly reader: JournalReader<number>;
  #closed = false;

  constructor(
    readonly storage: GapStorage,
    bugs: readonly GapBug[] = [],
  ) {
    this.reader = new GapReader(storage, new Set(bugs));
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    this.#ensureOpen();
    const transaction = this.storage.begin(writes);
    transaction.finish(true);
    return transaction.results;
  }

  async replayMessages(pid: string, from: number, to: number, max: number, onEvent: (e: PersistentRepr) => void): Promise<void> {
    this.#ensureOpen();
    let delivered = 0;
    for (const row of this.storage.stream(pid)?.rows ?? []) {
      const seq = row.repr.sequenceNr;
      if (delivered >= max || seq > to) return;
      if (seq < from || this.storage.isDeleted(row.repr)) continue;
      onEvent(row.repr);
      delivered++;
    }
  }

  async readHighestSequenceNr(pid: string): Promise<number> {
    this.#ensureOpen();
    return this.storage.stream(pid)?.highest ?? 0;
  }

  async deleteMessagesTo(pid: string, to: number): Promise<void> {
    this.#ensureOpen();
    this.storage.delete(pid, to);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  tortureWriter(): TortureWriter {
    return {
      write: async (writes, { holdMs, rollback }) => {
        this.#ensureOpen();
        const transaction = this.storage.begin(writes);
        const refused = transaction.results.find((result) => result !== undefined);
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        transaction.finish(!rollback);
        if (refused !== undefined) throw refused;
      },
      close: async () => undefined,
    };
  }

  #ensureOpen(): void {
    if (this.#closed) throw new Error('GapJournal is closed');
  }
}

class GapReader implements JournalReader<number> {
  readonly offsetKind = 'gap';
  readonly startPosition = 0;
  readonly pollIntervalMs = 10;

  constructor(
    private readonly storage: GapStorage,
    private readonly bugs: ReadonlySet<GapBug>,
  ) {}

  formatPosition(position: number): string {
    return String(position);
  }

  parsePosition(text: string): number {
    if (!/^\d{1,15}$/.test(text)) throw new Error('expected a non-negative integer');
    return Number(text);
  }

  async readCeiling(): Promise<number> {
    return this.storage.ceiling();
  }

  async readHorizon(): Promise<number> {
    return this.storage.horizon();
  }

  async readEvents(query: GlobalQuery<number>): Promise<GlobalPage<number>> {
    const belowHorizon = !this.bugs.has('reads past in-flight writes') && !this.bugs.has('dirty reads');
    const below = Math.min(query.upTo ?? Infinity, belowHorizon ? this.storage.horizon() : Infinity);
    const candidates = this.storage.committedAfter(query.after);
    if (this.bugs.has('dirty reads')) {
      candidates.push(...this.storage.inFlightAfter(query.after));
      candidates.sort((a, b) => a.position - b.position);
    }
    const events: PositionedEvent<number>[] = [];
    let cut = false;
    for (const row of candidates) {
      if (row.position > below) break;
      if (query.tag !== undefined && !row.repr.tags.includes(query.tag)) continue;
      if (this.storage.isDeleted(row.repr) && !this.bugs.has('global reads return deleted events')) continue;
      if (events.length === query.limit) {
        cut = true;
        break;
      }
      events.push({ position: row.position, repr: row.repr });
    }
    const upTo = query.upTo ?? Infinity;
    const complete = !cut && (!belowHorizon || this.storage.horizon() >= Math.min(upTo, this.storage.ceiling()));
    return { events, complete };
  }

  async readEventsByPersistenceId(pid: string, from: number, to: number, limit: number): Promise<readonly PositionedEvent<number>[]> {
    const rows = (this.storage.stream(pid)?.rows ?? []).filter((row) => {
      const seq = row.repr.sequenceNr;
      return seq >= from && seq <= to && (this.bugs.has('reads by id return deleted events') || !this.storage.isDeleted(row.repr));
    });
    return rows.slice(0, limit).map((row) => ({ position: row.position, repr: row.repr }));
  }

  async readHighestSequenceNr(pid: string): Promise<number> {
    return this.storage.stream(pid)?.highest ?? 0;
  }

  async readPersistenceIds(afterId: string | undefined, limit: number): Promise<readonly string[]> {
    return this.storage
      .ids()
      .filter((id) => afterId === undefined || id > afterId)
      .slice(0, limit);
  }

  async readChangeMarker(): Promise<string> {
    return String(this.storage.changes());
  }
}
