import type { GlobalPage, GlobalQuery, JournalReader, PositionedEvent } from '@engram/core/spi';

/** The reader calls that reach the store, by method. */
export type ReaderCall = 'readEvents' | 'readChangeMarker' | 'readCeiling' | 'readHorizon' | 'readEventsByPersistenceId' | 'readHighestSequenceNr' | 'readPersistenceIds';

/**
 * A store's reader with every call counted: each call is (at least) one query of the database, so
 * the counts say what idle consumers cost the store. Forwards `subscribe` and the poll interval, so
 * the read journal over it behaves as over the store's own reader.
 */
export class CountingReader<P> implements JournalReader<P> {
  readonly counts = new Map<ReaderCall, number>();
  readonly offsetKind: string;
  readonly startPosition: P;
  readonly pollIntervalMs?: number;
  readonly subscribe?: (onChange: () => void) => () => void;

  constructor(private readonly reader: JournalReader<P>) {
    this.offsetKind = reader.offsetKind;
    this.startPosition = reader.startPosition;
    if (reader.pollIntervalMs !== undefined) this.pollIntervalMs = reader.pollIntervalMs;
    if (reader.subscribe !== undefined) this.subscribe = (onChange) => reader.subscribe!(onChange);
  }

  /** Calls of every method since the last reset. */
  get total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }

  private count(call: ReaderCall): void {
    this.counts.set(call, (this.counts.get(call) ?? 0) + 1);
  }

  formatPosition(position: P): string {
    return this.reader.formatPosition(position);
  }

  parsePosition(text: string): P {
    return this.reader.parsePosition(text);
  }

  readCeiling(): Promise<P> {
    this.count('readCeiling');
    return this.reader.readCeiling();
  }

  readHorizon(): Promise<P> {
    this.count('readHorizon');
    return this.reader.readHorizon();
  }

  readEvents(query: GlobalQuery<P>): Promise<GlobalPage<P>> {
    this.count('readEvents');
    return this.reader.readEvents(query);
  }

  readEventsByPersistenceId(persistenceId: string, fromSequenceNr: number, toSequenceNr: number, limit: number): Promise<readonly PositionedEvent<P>[]> {
    this.count('readEventsByPersistenceId');
    return this.reader.readEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr, limit);
  }

  readHighestSequenceNr(persistenceId: string): Promise<number> {
    this.count('readHighestSequenceNr');
    return this.reader.readHighestSequenceNr(persistenceId);
  }

  readPersistenceIds(afterId: string | undefined, limit: number): Promise<readonly string[]> {
    this.count('readPersistenceIds');
    return this.reader.readPersistenceIds(afterId, limit);
  }

  readChangeMarker(): Promise<string> {
    this.count('readChangeMarker');
    return this.reader.readChangeMarker();
  }

  close(): Promise<void> {
    return this.reader.close?.() ?? Promise.resolve();
  }
}
