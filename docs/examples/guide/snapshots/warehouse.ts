import { ActorSystem, ask, Persistence } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { stock, type StockCommand } from './stock.js';

/** Runs `commands` against the stock of "bolt" in a fresh system on `path`, as one run of a process. */
async function run(path: string, print: (line: string) => void, commands: readonly StockCommand[]): Promise<void> {
  const system = ActorSystem.create('warehouse', {
    persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) },
    logLevel: 'warn',
  });
  Persistence.get(system).inspect((event) => {
    if (event.type === 'RecoveryCompleted') {
      print(`recovered ${event.persistenceId} from the snapshot at ${event.fromSnapshot} and ${event.eventsReplayed} events`);
    }
  });
  const bolts = system.spawn(stock('bolt'), 'bolt');
  for (const command of commands) bolts.tell(command);
  const onHand = await ask(bolts, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 });
  print(`on hand: ${onHand}`);
  await system.terminate();
}

export async function warehouse(path: string, print: (line: string) => void = console.log): Promise<void> {
  await run(path, print, Array.from({ length: 350 }, () => ({ type: 'receive', quantity: 1 }))); // events 1 to 350
  await run(path, print, [{ type: 'stocktake', counted: 340 }]); // event 351
  await run(path, print, []);
}
