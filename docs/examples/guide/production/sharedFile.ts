import { ActorSystem, ask } from '@engram/core';
import { SqliteFileInUse, SqliteJournal } from '@engram/sqlite';
import { counter } from '../getting-started/counter.js';

/** Actor systems on one SQLite file, as several processes would be. */
export async function sharedFile(path: string, print: (line: string) => void = console.log): Promise<void> {
  const increment = (system: ActorSystem, id: string) =>
    ask(system.spawn(counter(id), id), (replyTo) => ({ type: 'increment', by: 1, replyTo }), { timeoutMs: 3000 });

  const only = ActorSystem.create('only', { persistence: { journal: new SqliteJournal({ path }) } });
  print(`only: ${await increment(only, 'visits')}`);
  try {
    ActorSystem.create('second', { persistence: { journal: new SqliteJournal({ path }) } });
  } catch (error) {
    if (!(error instanceof SqliteFileInUse)) throw error;
    print(`a second journal on the file: ${error.name}`); // by default, one journal writes a file
  }
  await only.terminate(); // closes the journal: the file is free again

  // Every journal of the file opened with writers: 'shared', each writing persistenceIds of its own.
  const orders = ActorSystem.create('orders', { persistence: { journal: new SqliteJournal({ path, writers: 'shared' }) } });
  const billing = ActorSystem.create('billing', { persistence: { journal: new SqliteJournal({ path, writers: 'shared' }) } });
  print(`orders: ${await increment(orders, 'orders')}, billing: ${await increment(billing, 'billing')}`);
  await Promise.all([orders.terminate(), billing.terminate()]);
}
