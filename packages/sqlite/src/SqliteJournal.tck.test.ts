import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalTck, readJournalTck, snapshotStoreTck } from '@engram/tck';
import { afterAll, describe } from 'vitest';
import { SqliteJournal } from './journal/index.js';
import { SqliteReadJournal } from './query/index.js';
import { SqliteSnapshotStore } from './snapshot/index.js';
import { tortureWriter } from './testing/tortureWriter.test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-sqlite-tck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@engram/sqlite conformance', () => {
  // Every instance is its own connection to one file: two instances behave as two processes, and
  // a reopened one as a restarted process. A small merge interval runs the index merge often.
  const path = join(dir, 'engram.db');
  const journalOptions = { path, indexMergeEvery: 7, writers: 'shared' } as const;

  journalTck({
    name: 'SqliteJournal',
    create: async () => new SqliteJournal(journalOptions),
    reopen: async () => new SqliteJournal(journalOptions),
    capabilities: { metadata: true, maxPayloadBytes: 16 * 1024 * 1024, durable: true, sharedStorage: true },
  });

  // The read journal opens its own connection to the file, as another process would.
  readJournalTck({
    name: 'SqliteReadJournal',
    create: async () => new SqliteJournal(journalOptions),
    readJournal: async (_journal, settings) => new SqliteReadJournal({ path, ...settings }),
    tortureWriter,
    sharedStorage: true,
  });

  snapshotStoreTck({
    name: 'SqliteSnapshotStore',
    create: async () => new SqliteSnapshotStore({ path }),
    reopen: async () => new SqliteSnapshotStore({ path }),
    capabilities: { durable: true, sharedStorage: true },
  });
});
