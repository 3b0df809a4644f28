import { ActorSystem, ask, persistentView, Update } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { AccountHistory, bankTotals } from './accountViews.js';
import { account } from './bank.js';

export async function runViews(path: string) {
  const system = ActorSystem.create('bank', { persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) } });
  const alice = system.spawn(account('alice'), 'alice');
  const bob = system.spawn(account('bob'), 'bob');
  const history = system.spawn(persistentView(() => new AccountHistory('alice')), 'alice-history');
  const totals = system.spawn(bankTotals, 'bank-totals');

  for (const [ref, type, amount] of [[alice, 'deposit', 100], [bob, 'deposit', 50], [alice, 'withdraw', 30], [alice, 'deposit', 5]] as const) {
    await ask(ref, (replyTo) => ({ type, amount, replyTo }), { timeoutMs: 3000 });
  }
  // The views follow live; an awaited Update makes the next query see everything stored before it.
  history.tell(new Update({ await: true }));
  const lines = await ask(history, (replyTo) => ({ type: 'history', replyTo }), { timeoutMs: 3000 });
  totals.tell(new Update({ await: true }));
  const sums = await ask(totals, (replyTo) => ({ type: 'totals', replyTo }), { timeoutMs: 3000 });
  await system.terminate();

  // Another run on the same file: the view starts from its snapshot (after event 3) and reads on.
  const again = ActorSystem.create('bank', { persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) } });
  const aliceAgain = again.spawn(account('alice'), 'alice');
  await ask(aliceAgain, (replyTo) => ({ type: 'deposit', amount: 1, replyTo }), { timeoutMs: 3000 });
  const restarted = again.spawn(persistentView(() => new AccountHistory('alice')), 'alice-history');
  const linesAfterRestart = await ask(restarted, (replyTo) => ({ type: 'history', replyTo }), { timeoutMs: 3000 });
  await again.terminate();
  return { lines, sums, linesAfterRestart };
}
