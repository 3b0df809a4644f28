import { journalTck, readJournalTck, snapshotStoreTck } from '@engram/tck';
import { describe } from 'vitest';
import { PostgresJournal, defaultMaxPayloadBytes } from './journal/index.js';
import { PostgresReadJournal } from './query/index.js';
import { PostgresSnapshotStore } from './snapshot/index.js';
import { postgresForTests } from './testing/postgresForTests.test-support.js';
import { tortureWriter } from './testing/tortureWriter.test-support.js';

const db = await postgresForTests('tck');

describe.skipIf(!db.available)('@engram/postgres conformance', () => {
  // Every instance opens its own pool on the same schema: two instances are two processes on one
  // database, and a reopened one is a restarted process.
  const options = { connectionString: db.url, schema: db.schema, poolSize: 4 };

  journalTck({
    name: 'PostgresJournal',
    create: async () => new PostgresJournal(options),
    reopen: async () => new PostgresJournal(options),
    capabilities: {
      metadata: true,
      maxPayloadBytes: defaultMaxPayloadBytes,
      durable: true,
      sharedStorage: true,
    },
  });

  // The read journal opens its own pool on the schema, as another process would.
  readJournalTck({
    name: 'PostgresReadJournal',
    create: async () => new PostgresJournal(options),
    readJournal: async (_journal, settings) => new PostgresReadJournal({ ...options, ...settings }),
    tortureWriter,
    sharedStorage: true,
  });

  snapshotStoreTck({
    name: 'PostgresSnapshotStore',
    create: async () => new PostgresSnapshotStore(options),
    reopen: async () => new PostgresSnapshotStore(options),
    capabilities: { durable: true, sharedStorage: true },
  });
});
