import { ActorSystem } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../journal/index.js';
import { SqliteSnapshotStore } from '../snapshot/index.js';
import { tempDatabase } from '../testing/fixtures.test-support.js';

// A system handed SQLite stores closes them at terminate() even when no persistent actor ever
// ran: a journal left open would keep its file's writer lock, and the next one would be refused.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('stores given to an actor system that never used them', () => {
  it('are closed by terminate(), so the next journal on the file opens', async () => {
    const db = tempDatabase();
    cleanups.push(db.remove);
    const journal = new SqliteJournal({ path: db.path });
    const snapshotStore = new SqliteSnapshotStore({ path: db.path });
    const system = ActorSystem.create('unused', { logLevel: 'warn', persistence: { journal, snapshotStore } });
    await system.terminate();

    const next = new SqliteJournal({ path: db.path });
    cleanups.push(() => next.close());
    expect(await next.readHighestSequenceNr('nobody', 0)).toBe(0);
  });
});
