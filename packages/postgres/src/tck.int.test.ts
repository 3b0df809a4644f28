import { journalTck, snapshotStoreTck } from '@engram/tck';
import { describe } from 'vitest';
import { PostgresJournal, defaultMaxPayloadBytes } from './journal/index.js';
import { PostgresSnapshotStore } from './snapshot/index.js';
import { postgresForTests } from './testing/postgresForTests.test-support.js';

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

  snapshotStoreTck({
    name: 'PostgresSnapshotStore',
    create: async () => new PostgresSnapshotStore(options),
    reopen: async () => new PostgresSnapshotStore(options),
    capabilities: { durable: true, sharedStorage: true },
  });
});
