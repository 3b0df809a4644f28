import type { GlobalPage, GlobalQuery, JournalReader, PositionedEvent } from '@engram/core/spi';
import { InvalidArgument } from '@engram/core/spi';
import type { PayloadKind } from '../codec/index.js';
import { typeParsers, type StoreContext } from '../database/index.js';
import type { PostgresOperation } from '../errors/index.js';
import type { NamedStatement } from '../journal/journalStatements.js';
import { reprOf } from '../journal/reprOf.js';
import { Horizons } from './Horizons.js';
import { JournalListener } from './JournalListener.js';
import {
  belowTransaction,
  comparePositions,
  formatPosition,
  parsePosition,
  startPosition,
  type PostgresPosition,
} from './PostgresPosition.js';
import { readerStatements, type EventRow, type ReaderStatements } from './readerStatements.js';

export interface PostgresJournalReaderOptions {
  /** How often idle live queries check for new events besides LISTEN/NOTIFY, in ms. Default 500. */
  readonly pollIntervalMs?: number;
  /** Where a failing LISTEN connection is reported, at most once a minute. Default `console.warn`. */
  readonly warn?: (message: string, error: unknown) => void;
}

/**
 * With LISTEN/NOTIFY waking live queries, polling only catches what sends no notification: a
 * rolled-back write that held the horizon back, a writer that died between commit and NOTIFY.
 */
const defaultPollIntervalMs = 500;
/** `toSequenceNr` Infinity, as a bigint parameter. */
const maxSequenceNr = Number.MAX_SAFE_INTEGER;

/**
 * The PostgreSQL journal's query side: reads in global order, `(tx_id, ordering)`, below the
 * horizon (`Horizons`), so that a position a reader has passed never gets an event behind it.
 *
 * `readEvents` reads below the highest horizon known and computes a new one only when a page comes
 * back short, then reads on below it: a long catch-up computes it once. A page it returns short was
 * read below a horizon computed during the call, so a live query that then waits has missed
 * nothing committed before it took its mark.
 */
export class PostgresJournalReader implements JournalReader<PostgresPosition> {
  readonly offsetKind = 'postgres';
  readonly startPosition = startPosition;
  readonly pollIntervalMs: number;
  private readonly statements: ReaderStatements;
  private readonly horizons: Horizons;
  private readonly listener: JournalListener;

  /**
   * @param ownsContext close the context's pool with `close()` (false for a journal's own reader)
   */
  constructor(
    private readonly context: StoreContext,
    options: PostgresJournalReaderOptions = {},
    private readonly ownsContext = true,
  ) {
    const pollIntervalMs = options.pollIntervalMs ?? defaultPollIntervalMs;
    if (typeof pollIntervalMs !== 'number' || !(pollIntervalMs >= 1) || !Number.isFinite(pollIntervalMs)) {
      throw new InvalidArgument('pollIntervalMs', pollIntervalMs, 'a number of milliseconds, at least 1');
    }
    this.pollIntervalMs = pollIntervalMs;
    this.statements = readerStatements(context.tables);
    this.horizons = new Horizons(() => this.computeHorizon());
    this.listener = new JournalListener(
      context.db.pool,
      context.tables.journalChannel,
      options.warn ?? ((message, error) => console.warn(message, error)),
    );
  }

  formatPosition(position: PostgresPosition): string {
    return formatPosition(position);
  }

  parsePosition(text: string): PostgresPosition {
    return parsePosition(text);
  }

  async readCeiling(): Promise<PostgresPosition> {
    const row = await this.queryRow<[string]>('readCeiling', this.statements.ceiling, []);
    if (row === undefined) throw new Error('the ceiling query returned no row');
    return belowTransaction(BigInt(row[0]));
  }

  async readHorizon(): Promise<PostgresPosition> {
    await this.context.ensureReady('readHorizon', []);
    return belowTransaction(await this.horizons.fresh());
  }

  async readEvents(query: GlobalQuery<PostgresPosition>): Promise<GlobalPage<PostgresPosition>> {
    const { after, tag, limit, upTo } = query;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgument('limit', limit, 'a positive integer');
    await this.context.ensureReady('readEvents', []);
    let events: PositionedEvent<PostgresPosition>[] = [];
    let from = after;
    const known = belowTransaction(this.horizons.latest);
    if (comparePositions(from, known) < 0) {
      events = await this.readPage(from, boundOf(known, upTo), limit, tag);
      if (events.length === limit) return { events, complete: false };
      from = events[events.length - 1]?.position ?? from;
      if (upTo !== undefined && comparePositions(known, upTo) >= 0) return { events, complete: true };
    }
    // Short: read on below a horizon computed now, by a statement of its own, so that the read
    // below (a later snapshot) sees every transaction the horizon counts as ended.
    const horizon = belowTransaction(await this.horizons.fresh());
    const rest = await this.readPage(from, boundOf(horizon, upTo), limit - events.length, tag);
    events = events.length === 0 ? rest : events.concat(rest);
    const complete = upTo !== undefined && events.length < limit && comparePositions(horizon, upTo) >= 0;
    return { events, complete };
  }

  async readEventsByPersistenceId(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    limit: number,
  ): Promise<readonly PositionedEvent<PostgresPosition>[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgument('limit', limit, 'a positive integer');
    const from = Math.max(0, Math.ceil(fromSequenceNr));
    const to = Math.min(maxSequenceNr, Math.floor(toSequenceNr));
    if (from > to) return [];
    await this.context.ensureReady('readEventsByPersistenceId', [persistenceId]);
    return this.context.db.withClient('readEventsByPersistenceId', [persistenceId], async (client) => {
      const { rows } = await client.query<EventRow>({
        ...this.statements.eventsByPersistenceId,
        values: [persistenceId, from, to, limit],
        rowMode: 'array',
        types: typeParsers,
      });
      return rows.map(eventOf);
    });
  }

  async readHighestSequenceNr(persistenceId: string): Promise<number> {
    const row = await this.queryRow<[number]>('readHighestSequenceNr', this.statements.highestSequenceNr, [persistenceId], [persistenceId]);
    return row?.[0] ?? 0;
  }

  async readPersistenceIds(afterId: string | undefined, limit: number): Promise<readonly string[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgument('limit', limit, 'a positive integer');
    await this.context.ensureReady('readPersistenceIds', []);
    return this.context.db.withClient('readPersistenceIds', [], async (client) => {
      const { rows } = await client.query<[string]>({
        ...(afterId === undefined ? this.statements.firstPersistenceIds : this.statements.persistenceIdsAfter),
        values: afterId === undefined ? [limit] : [afterId, limit],
        rowMode: 'array',
      });
      return rows.map(([id]) => id);
    });
  }

  /**
   * The horizon, computed now. `readEvents` can return more than before only when it moved: a
   * commit below it is impossible (writers' transactions that could commit there are what holds
   * it back), and a current query completes when it passes the query's ceiling, also when what
   * held it back rolled back. It also moves on commits elsewhere in the database; a live query
   * woken by those reads one short page.
   */
  async readChangeMarker(): Promise<string> {
    const row = await this.queryRow<[string]>('readChangeMarker', this.statements.changeMarker, []);
    if (row === undefined) throw new Error('the change-marker query returned no row');
    return row[0];
  }

  subscribe(onChange: () => void): () => void {
    return this.listener.subscribe(onChange);
  }

  /** Whether the LISTEN connection is open or opening (for tests). */
  get listening(): boolean {
    return this.listener.listening;
  }

  /** Closes the LISTEN connection, and the pool when the reader has its own. */
  async close(): Promise<void> {
    this.listener.close();
    if (this.ownsContext) await this.context.close();
  }

  private async readPage(
    after: PostgresPosition,
    upTo: PostgresPosition,
    limit: number,
    tag: string | undefined,
  ): Promise<PositionedEvent<PostgresPosition>[]> {
    if (comparePositions(after, upTo) >= 0) return [];
    const values: unknown[] = [after.txId.toString(), after.ordering.toString(), upTo.txId.toString(), upTo.ordering.toString(), limit];
    if (tag !== undefined) values.push(tag);
    // One connection at a time per call: a pool of one must not wait for itself.
    return this.context.db.withClient('readEvents', [], async (client) => {
      const { rows } = await client.query<EventRow>({
        ...(tag === undefined ? this.statements.events : this.statements.eventsByTag),
        values,
        rowMode: 'array',
        types: typeParsers,
      });
      return rows.map(eventOf);
    });
  }

  private async computeHorizon(): Promise<bigint> {
    const row = await this.queryRow<[string]>('readHorizon', this.statements.horizon, []);
    if (row === undefined) throw new Error('the horizon query returned no row');
    return BigInt(row[0]);
  }

  private async queryRow<R extends unknown[]>(
    operation: PostgresOperation,
    statement: NamedStatement,
    values: readonly unknown[],
    persistenceIds: readonly string[] = [],
  ): Promise<R | undefined> {
    await this.context.ensureReady(operation, persistenceIds);
    return this.context.db.withClient(operation, persistenceIds, async (client) => {
      const { rows } = await client.query<R>({ ...statement, values: [...values], rowMode: 'array', types: typeParsers });
      return rows[0];
    });
  }
}

/** The lower of two bounds; `upTo` when given and lower. */
function boundOf(horizon: PostgresPosition, upTo: PostgresPosition | undefined): PostgresPosition {
  return upTo !== undefined && comparePositions(upTo, horizon) < 0 ? upTo : horizon;
}

function eventOf(row: EventRow): PositionedEvent<PostgresPosition> {
  const [txId, ordering, pid, seq, timestamp, serializerId, manifest, kind, text, bytes, tags, metadata, writer] = row;
  if (writer === null) throw new Error(`stored event ${seq} of ${JSON.stringify(pid)} has no writer run`);
  return {
    position: { txId, ordering: BigInt(ordering) },
    repr: reprOf(pid, seq, writer, timestamp, { serializerId, manifest, kind: kind as PayloadKind }, text, bytes, tags, metadata),
  };
}
