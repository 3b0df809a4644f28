// Run by the pack check with vitest in its project outside the repository (as test/stores.test.ts):
// @engram/tck, installed from its tarball with vitest as its peer, runs its journal and snapshot
// store suites against the installed @engram/sqlite, as a plugin author runs them against a store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { journalTck, snapshotStoreTck } from '@engram/tck';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'engram-pack-check-tck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'engram.db');
// Two instances on one file stand for two processes (sharedStorage), so both open it as writers.
const journalOptions = { path, writers: 'shared' } as const;

journalTck({
  name: 'SqliteJournal',
  create: async () => new SqliteJournal(journalOptions),
  reopen: async () => new SqliteJournal(journalOptions),
  capabilities: { metadata: true, maxPayloadBytes: 16 * 1024 * 1024, durable: true, sharedStorage: true },
});

snapshotStoreTck({
  name: 'SqliteSnapshotStore',
  create: async () => new SqliteSnapshotStore({ path }),
  reopen: async () => new SqliteSnapshotStore({ path }),
  capabilities: { durable: true, sharedStorage: true },
});
