import type { PersistentRepr } from '@engram/core/spi';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Database, tablesFor } from '../database/index.js';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { PostgresSnapshotStore } from '../snapshot/PostgresSnapshotStore.js';
import { atomic, replayAll } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { migrate } from './migrate.js';
import { latestSchemaVersion } from './migrations.js';

const db = await postgresForTests('migrate');

/** A repr as the upgrade test's rows hold them. */
function base(
  persistenceId: string,
  sequenceNr: number,
  writerUuid: string,
  timestamp: number,
  serializerId: number,
  manifest: string,
  payload: string | Uint8Array,
  tags: readonly string[] = [],
): PersistentRepr {
  return { persistenceId, sequenceNr, serializerId, manifest, payload, writerUuid, timestamp, tags };
}

describe.skipIf(!db.available)('migrations', () => {
  /** Each version is applied once, in order, and recorded. */
  const everyVersion = Array.from({ length: latestSchemaVersion }, (_, i) => i + 1);

  async function versions(schema: string, prefix = 'engram_'): Promise<number[]> {
    const result = await db.admin().query(`SELECT version FROM "${schema}"."${prefix}schema_version" ORDER BY version`);
    return result.rows.map((r) => r.version as number);
  }

  it('creates the schema and tables on first use', async () => {
    const schema = db.newSchema('first_use');
    const journal = new PostgresJournal({ connectionString: db.url, schema });
    try {
      expect(await journal.writeMessages([atomic('a', [1])])).toEqual([undefined]);
      expect(await versions(schema)).toEqual(everyVersion);
    } finally {
      await journal.close();
    }
  });

  it('applies each version once when many sessions migrate at once', async () => {
    const schema = db.newSchema('concurrent');
    // Each store has its own pool, so each migrates from its own PostgreSQL backend process,
    // exactly as separate application processes would.
    const stores = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0
        ? new PostgresJournal({ connectionString: db.url, schema, poolSize: 1 })
        : new PostgresSnapshotStore({ connectionString: db.url, schema, poolSize: 1 }),
    );
    try {
      const outcomes = await Promise.allSettled(stores.map((store) => store.migrate()));
      expect(outcomes.map((o) => o.status)).toEqual(stores.map(() => 'fulfilled'));
      expect(await versions(schema)).toEqual(everyVersion);
      const tables = await db
        .admin()
        .query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
      expect(tables.rows.map((r) => r.tablename)).toEqual([
        'engram_event_tag',
        'engram_event_type',
        'engram_journal',
        'engram_projection_offset',
        'engram_schema_version',
        'engram_snapshot',
        'engram_stream',
        'engram_writer_run',
      ]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('keeps setups with different prefixes in one schema apart', async () => {
    const schema = db.newSchema('prefixes');
    const a = new PostgresJournal({ connectionString: db.url, schema, tablePrefix: 'a_' });
    const b = new PostgresJournal({ connectionString: db.url, schema, tablePrefix: 'b_' });
    try {
      await a.writeMessages([atomic('same-id', [1, 2])]);
      expect(await b.readHighestSequenceNr('same-id', 0)).toBe(0);
      expect(await a.readHighestSequenceNr('same-id', 0)).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a database migrated by a newer Engram, naming both versions', async () => {
    const schema = db.newSchema('too_new');
    const first = new PostgresJournal({ connectionString: db.url, schema });
    await first.migrate();
    await first.close();
    await db.admin().query(`INSERT INTO "${schema}".engram_schema_version (version, description) VALUES (99, 'future')`);
    const journal = new PostgresJournal({ connectionString: db.url, schema });
    try {
      const failure = journal.writeMessages([atomic('a', [1])]);
      await expect(failure).rejects.toMatchObject({
        name: 'SchemaVersionTooNew',
        foundVersion: 99,
        supportedVersion: latestSchemaVersion,
      });
      await expect(failure).rejects.toThrow(`schema version 99, but this @engram/postgres supports up to version ${latestSchemaVersion}`);
      await expect(journal.migrate()).rejects.toMatchObject({ name: 'SchemaVersionTooNew' });
    } finally {
      await journal.close();
    }
  });

  it('with autoMigrate off, only checks the version and says to run migrate()', async () => {
    const schema = db.newSchema('manual');
    const journal = new PostgresJournal({ connectionString: db.url, schema }, { autoMigrate: false });
    try {
      await expect(journal.readHighestSequenceNr('a', 0)).rejects.toThrow(
        `schema version 0, this @engram/postgres needs version ${latestSchemaVersion}; run migrate()`,
      );
      await journal.migrate();
      expect(await journal.readHighestSequenceNr('a', 0)).toBe(0);
    } finally {
      await journal.close();
    }
  });

  it('upgrades a version 1 journal: every id keeps its highest, also one whose events were all deleted', async () => {
    const schema = db.newSchema('from_v1');
    const tables = tablesFor(schema);
    const database = new Database({ connectionString: db.url });
    try {
      await migrate(database, tables, 1);
    } finally {
      await database.close();
    }
    // Rows as version 1 stored them: 'live' 1..3; 'emptied' deleted to 5; 'partly' 4, 5 after a delete to 3.
    await db.admin().query(
      `INSERT INTO ${tables.journal} (persistence_id, sequence_nr, writer_uuid, write_timestamp, serializer_id,
         manifest, payload_kind, payload_text, tags)
       SELECT id, seq, 'w-' || id, 1000 + seq, 1, 'Deposited', 0, '"' || id || '-' || seq || '"', NULL
       FROM (VALUES ('live', 1), ('live', 2), ('live', 3), ('partly', 4), ('partly', 5)) AS v(id, seq)`,
    );
    await db.admin().query(`INSERT INTO ${tables.deletions} VALUES ('emptied', 5), ('partly', 3)`);
    // Writers taking turns, several types and payload kinds, tags and metadata.
    await db.admin().query(
      `INSERT INTO ${tables.journal} (persistence_id, sequence_nr, writer_uuid, write_timestamp, serializer_id,
         manifest, payload_kind, payload_text, payload_bytes, tags, meta_serializer_id, meta_manifest, meta_kind,
         meta_text, meta_bytes)
       VALUES ('mixed', 1, 'w-a', 1, 1, 'A', 0, '"one"', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         ('mixed', 2, 'w-a', 2, 9, 'B', 1, NULL, '\\x0001ff', NULL, NULL, NULL, NULL, NULL, NULL),
         ('mixed', 3, 'w-b', 3, 1, 'A', 0, '"three"', NULL, '{green,"a b"}', 5, 'Trace', 0, '{"t":1}', NULL),
         ('mixed', 4, 'w-b', 4, 1, 'A', 2, NULL, convert_to(E'nul \\x01 x', 'UTF8'), NULL, 6, '', 1, NULL, '\\x0908'),
         ('mixed', 5, 'w-a', 5, 1, 'A', 0, '"five"', NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
    );

    const journal = new PostgresJournal({ connectionString: db.url, schema });
    try {
      expect(await journal.readHighestSequenceNr('live', 0)).toBe(3);
      expect(await journal.readHighestSequenceNr('emptied', 0)).toBe(5);
      expect(await journal.readHighestSequenceNr('partly', 0)).toBe(5);
      expect(await versions(schema)).toEqual(everyVersion);
      const replayed = await replayAll(journal, 'partly');
      expect(replayed.map((e) => [e.sequenceNr, e.payload, e.writerUuid, e.timestamp])).toEqual([
        [4, '"partly-4"', 'w-partly', 1004],
        [5, '"partly-5"', 'w-partly', 1005],
      ]);
      const mixed = await replayAll(journal, 'mixed');
      expect(mixed).toEqual([
        { ...base('mixed', 1, 'w-a', 1, 1, 'A', '"one"') },
        { ...base('mixed', 2, 'w-a', 2, 9, 'B', new Uint8Array([0, 1, 255])) },
        { ...base('mixed', 3, 'w-b', 3, 1, 'A', '"three"', ['green', 'a b']), metadata: { serializerId: 5, manifest: 'Trace', payload: '{"t":1}' } },
        { ...base('mixed', 4, 'w-b', 4, 1, 'A', 'nul \u0001 x'), metadata: { serializerId: 6, manifest: '', payload: new Uint8Array([9, 8]) } },
        { ...base('mixed', 5, 'w-a', 5, 1, 'A', '"five"') },
      ]);
      expect((await replayAll(journal, 'mixed', 4)).map((e) => e.writerUuid)).toEqual(['w-b', 'w-a']);
      const markers = await db
        .admin()
        .query(`SELECT sequence_nr::int AS seq FROM ${tables.journal} WHERE persistence_id = 'mixed' AND writer_uuid IS NOT NULL ORDER BY 1`);
      expect(markers.rows.map((r) => r.seq)).toEqual([1, 3, 5]);

      const results = await journal.writeMessages([atomic('emptied', [3]), atomic('partly', [5]), atomic('live', [4])]);
      expect(results.map((r) => r?.name)).toEqual(['SequenceConflict', 'SequenceConflict', undefined]);
      expect(await journal.writeMessages([atomic('emptied', [6])])).toEqual([undefined]);
      expect((await replayAll(journal, 'emptied')).map((e) => e.sequenceNr)).toEqual([6]);
    } finally {
      await journal.close();
    }
  });

  it('migrates into an existing schema of a user pool', async () => {
    const schema = db.newSchema('existing');
    await db.admin().query(`CREATE SCHEMA "${schema}"`);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on('error', () => {});
    const store = new PostgresSnapshotStore({ pool, schema });
    try {
      await store.migrate();
      await store.migrate();
      expect(await versions(schema)).toEqual(everyVersion);
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
