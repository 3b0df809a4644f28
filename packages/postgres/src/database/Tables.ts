import { createHash } from 'node:crypto';

/**
 * The quoted, schema-qualified names of every object the store creates. Names come from the
 * user's `schema` and `tablePrefix`, so they are validated here and always quoted: SQL text never
 * contains anything else from the outside.
 */
export interface Tables {
  /** Unquoted, for messages: `schema.prefix`. */
  readonly location: string;
  readonly schema: string;
  readonly unquotedSchema: string;
  readonly journal: string;
  readonly tags: string;
  /** Per persistenceId, the highest sequence nr ever written (schema version 2 on). */
  readonly streams: string;
  /** (serializer id, manifest, payload kind) of the journal's events, by small id (version 3 on). */
  readonly eventTypes: string;
  /** Where each run of events by one writer starts, per id (version 3 on). */
  readonly writerRuns: string;
  /** Schema version 1 only: the highest deleted sequence nr per id, folded into `streams` by version 2. */
  readonly deletions: string;
  readonly snapshots: string;
  readonly migrations: string;
  /** Unqualified: PostgreSQL puts an index in its table's schema. */
  readonly journalOrderIndex: string;
  /** Unqualified, like the index: the unique key of `eventTypes`. */
  readonly eventTypeKey: string;
  /** Per projection name and key, its offset and paused flag (version 4 on). */
  readonly projectionOffsets: string;
  /** Unqualified: the primary key of `projectionOffsets`, named so it fits the prefix's budget. */
  readonly projectionOffsetKey: string;
  /** Unqualified: `streams` by persistenceId in byte order (`COLLATE "C"`), for paged id queries (version 4 on). */
  readonly streamIdIndex: string;
  /**
   * The advisory lock every journal write transaction holds, shared, from before it has a
   * transaction id: readers find the journal's transactions in flight by it (`src/query/Horizons.ts`).
   * Two int4 keys, the same in every process for the same schema and prefix.
   */
  readonly journalLock: readonly [number, number];
  /** The NOTIFY channel journals send on after storing events; readers LISTEN on it. */
  readonly journalChannel: string;
  /** The trigger function that takes `journalLock` before any row of a journal write (version 4 on). */
  readonly journalLockFunction: string;
  /** Unqualified: the name of the triggers that call it, one per table a journal write inserts into. */
  readonly journalLockTrigger: string;
}

export const defaultSchema = 'public';
export const defaultTablePrefix = 'engram_';

/** Plain SQL identifiers only: no quoting tricks, no case games, and portable to every tool. */
const identifier = /^[a-z_][a-z0-9_]*$/;
const prefix = /^[a-z0-9_]*$/;
/** PostgreSQL truncates identifiers longer than 63 bytes; a truncated name could collide. */
const maxIdentifierBytes = 63;
// The longest name the store derives from the prefix: the version table's primary key.
const longestSuffix = 'schema_version_pkey';
/**
 * First key of the journal's write lock ("EnJl"); the migrations' lock uses another, so that a
 * migration never waits for writers' shared locks nor they for it beyond the migration's own.
 */
const journalLockNamespace = 0x456e4a6c;

export function tablesFor(schema: string = defaultSchema, tablePrefix: string = defaultTablePrefix): Tables {
  if (!identifier.test(schema) || schema.length > maxIdentifierBytes) {
    throw new TypeError(
      `schema ${JSON.stringify(schema)} is not a valid name: use lowercase letters, digits and _, ` +
        `starting with a letter or _, at most ${maxIdentifierBytes} characters`,
    );
  }
  if (!prefix.test(tablePrefix) || !identifier.test(`${tablePrefix}journal`)) {
    throw new TypeError(
      `tablePrefix ${JSON.stringify(tablePrefix)} is not valid: use lowercase letters, digits and _, ` +
        `not starting with a digit`,
    );
  }
  if (tablePrefix.length + longestSuffix.length > maxIdentifierBytes) {
    throw new TypeError(
      `tablePrefix ${JSON.stringify(tablePrefix)} is too long: at most ` +
        `${maxIdentifierBytes - longestSuffix.length} characters, so every table name fits in ` +
        `PostgreSQL's ${maxIdentifierBytes}-byte identifiers`,
    );
  }
  const q = (name: string): string => `"${name}"`;
  // Stable across processes and versions: derived from the names alone.
  const digest = createHash('sha1').update(`${schema}.${tablePrefix}journal`).digest();
  const t = (name: string): string => `${q(schema)}.${q(tablePrefix + name)}`;
  return {
    location: `schema "${schema}" with table prefix "${tablePrefix}"`,
    schema: q(schema),
    unquotedSchema: schema,
    journal: t('journal'),
    tags: t('event_tag'),
    streams: t('stream'),
    eventTypes: t('event_type'),
    writerRuns: t('writer_run'),
    deletions: t('deletion'),
    snapshots: t('snapshot'),
    migrations: t('schema_version'),
    journalOrderIndex: q(`${tablePrefix}journal_order_idx`),
    eventTypeKey: q(`${tablePrefix}event_type_key`),
    projectionOffsets: t('projection_offset'),
    projectionOffsetKey: q(`${tablePrefix}projection_key`),
    streamIdIndex: q(`${tablePrefix}stream_id_c_idx`),
    journalLock: [journalLockNamespace, digest.readUInt32BE(0) & 0x7fffffff],
    journalChannel: `engram_journal_${digest.toString('hex', 4, 12)}`,
    journalLockFunction: t('journal_write_lock'),
    journalLockTrigger: q(`${tablePrefix}journal_write_lock`),
  };
}
