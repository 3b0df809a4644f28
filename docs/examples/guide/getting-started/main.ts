import { ActorSystem, ask } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { counter } from './counter.js';

// node dist/main.js [file]: counts one more visit in the SQLite file, and says what it found there.
const path = process.argv[2] ?? './data/counters.db';
const system = ActorSystem.create('counters', {
  persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) },
});
const visits = system.spawn(counter('visits'), 'visits');

const before = await ask(visits, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 });
const after = await ask(visits, (replyTo) => ({ type: 'increment', by: 1, replyTo }), { timeoutMs: 3000 });
console.log(`visits: ${before} -> ${after}`);

await system.terminate(); // waits for pending writes, stops the actors, closes the file
