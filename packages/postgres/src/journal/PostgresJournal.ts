import type { AtomicWrite, Journal, PersistentRepr } from '@engram/core/spi';
import {
  StoreContext,
  typeParsers,
  type PostgresConnection,
  type PostgresStoreOptions,
} from '../database/index.js';
import { PostgresJournalReader } from '../query/PostgresJournalReader.js';
import { EventTypes } from './EventTypes.js';
import { JournalNotifier } from './JournalNotifier.js';
import { journalStatements, named, type JournalStatements } from './journalStatements.js';
import { recoveryStatements, type RecoveryStatements } from './recoveryStatements.js';
import { replayForRecovery } from './replayForRecovery.js';
import { replayMessages } from './replayMessages.js';
import { storable } from './validateWrite.js';
import { writeMessages } from './writeMessages.js';
import { WriterRuns } from './WriterRuns.js';

export interface PostgresJournalOptions extends PostgresStoreOptions {
  /**
   * Largest serialized event payload (and, separately, metadata) in bytes, UTF-8 for text.
   * Larger events are rejected with `PayloadTooLarge`, not stored. Default 1 MiB.
   */
  readonly maxPayloadBytes?: number;
  /** Rows a replay fetches per round trip. Default 2,000. */
  readonly replayPageSize?: number;
  /**
   * `writeMessages` calls the engine keeps in flight at once, each on its own connection.
   * Default: 4, or the pool size when smaller, so the rest of the pool stays free for recoveries.
   */
  readonly writeConcurrency?: number;
}

/**
 * 1 MiB: far above any sensible event (events are facts, usually well under a kilobyte), low
 * enough that one runaway event (a whole state or a file serialized by mistake) is refused at the
 * write instead of slowing every recovery of that actor, and so that a tick of a thousand maximal
 * events still fits PostgreSQL's 1 GB message limit. Raise it when your events need it.
 */
export const defaultMaxPayloadBytes = 1024 * 1024;
/** Pages of this size read as fast as larger ones in the replay bench and hold little memory. */
const defaultReplayPageSize = 2_000;
/**
 * Several calls in flight let the server's commits overlap while the client encodes the next
 * batch (bench/README.md has the figures). Higher values were not measured to help on 2 cores; a
 * larger server may want more.
 */
const defaultWriteConcurrency = 4;
/** PostgreSQL's own limit for one field value. */
const hardPayloadLimit = 1024 * 1024 * 1024 - 1;
const notifyStatement = named(`SELECT pg_notify($1, '')`);

/**
 * Reaches a journal's `StoreContext` from the package's own test support (the torture writer),
 * without a public member: the symbol is not exported from the package root.
 */
export const storeContextOf = Symbol('engram.postgres.storeContext');

/**
 * Engram's journal on PostgreSQL. `new PostgresJournal({ connectionString })` or
 * `new PostgresJournal({ pool }, { schema, tablePrefix })`; options may be given in either object.
 * Tables are created on first use (or by `migrate()`).
 */
export class PostgresJournal implements Journal {
  private readonly context: StoreContext;
  private readonly statements: JournalStatements;
  private readonly recovery: RecoveryStatements;
  private readonly types: EventTypes;
  private readonly runs = new WriterRuns();
  private readonly maxPayloadBytes: number;
  private readonly replayPageSize: number;
  private readonly notifier: JournalNotifier;
  private ownReader: PostgresJournalReader | undefined;
  readonly writeConcurrency: number;

  constructor(connection: PostgresConnection & PostgresJournalOptions, options: PostgresJournalOptions = {}) {
    const settings = { ...connection, ...options };
    this.maxPayloadBytes = positiveInteger('maxPayloadBytes', settings.maxPayloadBytes ?? defaultMaxPayloadBytes);
    if (this.maxPayloadBytes > hardPayloadLimit) {
      throw new RangeError(`maxPayloadBytes ${this.maxPayloadBytes} exceeds PostgreSQL's 1 GB field limit`);
    }
    this.replayPageSize = positiveInteger('replayPageSize', settings.replayPageSize ?? defaultReplayPageSize);
    const writeConcurrency = settings.writeConcurrency;
    if (writeConcurrency !== undefined) positiveInteger('writeConcurrency', writeConcurrency);
    this.context = new StoreContext(connection, settings);
    this.writeConcurrency = writeConcurrency ?? Math.min(defaultWriteConcurrency, this.context.db.poolSize);
    this.statements = journalStatements(this.context.tables);
    this.recovery = recoveryStatements(this.context.tables, this.statements.replay);
    this.types = new EventTypes(this.context.tables);
    const channel = this.context.tables.journalChannel;
    this.notifier = new JournalNotifier(() =>
      this.context.db.withClient('notify', [], (client) => client.query({ ...notifyStatement, values: [channel] })),
    );
  }

  /**
   * The query side over this journal's pool: what `PersistenceQuery.get(system).readJournal()`
   * reads. Created on first use; its LISTEN connection closes with the journal.
   */
  get reader(): PostgresJournalReader {
    this.ownReader ??= new PostgresJournalReader(this.context, {}, false);
    return this.ownReader;
  }

  /** @internal */
  get [storeContextOf](): StoreContext {
    return this.context;
  }

  /** Creates or upgrades the tables now instead of on first use. Safe to run from many processes. */
  migrate(): Promise<void> {
    return this.context.migrate();
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    const results = await writeMessages(
      {
        context: this.context,
        statements: this.statements,
        types: this.types,
        runs: this.runs,
        maxPayloadBytes: this.maxPayloadBytes,
      },
      writes,
    );
    if (results.some((result, i) => result === undefined && (writes[i]?.events.length ?? 0) > 0)) this.notifier.written();
    return results;
  }

  replayMessages(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<void> {
    return replayMessages(
      { context: this.context, statements: this.statements, types: this.types, pageSize: this.replayPageSize },
      persistenceId,
      fromSequenceNr,
      toSequenceNr,
      max,
      onEvent,
    );
  }

  /** The highest sequence nr and the first page of events in one round trip (see `replayForRecovery.ts`). */
  replayForRecovery(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<number> {
    return replayForRecovery(
      {
        context: this.context,
        statements: this.statements,
        recovery: this.recovery,
        types: this.types,
        pageSize: this.replayPageSize,
      },
      persistenceId,
      fromSequenceNr,
      toSequenceNr,
      max,
      onEvent,
    );
  }

  async readHighestSequenceNr(persistenceId: string, _fromSequenceNr: number): Promise<number> {
    if (!storable(persistenceId)) return 0;
    await this.context.ensureReady('readHighestSequenceNr', [persistenceId]);
    return this.context.db.withClient('readHighestSequenceNr', [persistenceId], async (client) => {
      const result = await client.query<[number]>({
        ...this.statements.highestSequenceNr,
        values: [persistenceId],
        rowMode: 'array',
        types: typeParsers,
      });
      return result.rows[0]?.[0] ?? 0;
    });
  }

  async deleteMessagesTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    const to = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(toSequenceNr));
    if (Number.isNaN(to) || to < 1 || !storable(persistenceId)) return;
    await this.context.ensureReady('deleteMessagesTo', [persistenceId]);
    await this.context.db.withClient('deleteMessagesTo', [persistenceId], async (client) => {
      await client.query(this.statements.deleteTo, [persistenceId, to]);
    });
  }

  /** Closes the reader's LISTEN connection, waits for a NOTIFY in flight, then ends the pool when this journal created it. */
  async close(): Promise<void> {
    await this.ownReader?.close();
    await this.notifier.close();
    await this.context.close();
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
