import { MemoryJournal, Persistence, type ActorRef } from '@engram/core';
import { ActorTestKit, FaultInjectingJournal } from '@engram/core/testkit';
import { account, type AccountCommand } from './account.js';

/** A journal outage under 1,000 accounts, on the test kit's manual clock. */
export async function journalOutage(actors = 1000) {
  const journal = new FaultInjectingJournal(new MemoryJournal());
  // Recovery permits: at most 20 actors read the journal at once; the others wait their turn.
  const kit = ActorTestKit.create({ config: { persistence: { journal, maxConcurrentRecoveries: 20 } }, random: Math.random });
  const refs: ActorRef<AccountCommand>[] = [];
  const replies = kit.createTestProbe<number>();
  for (let i = 0; i < actors; i++) {
    refs.push(kit.spawn(account(String(i)), `account-${i}`));
    refs[i]!.tell({ type: 'deposit', amount: 10, replyTo: replies.ref });
  }
  await replies.receiveMessages(actors);

  const recoveredAt: number[] = [];
  Persistence.get(kit.system).inspect((event) => {
    if (event.type === 'RecoveryCompleted') recoveredAt.push(kit.clock.now());
  });
  journal.failWrite({ times: Infinity }); // the journal goes down
  const downAt = kit.clock.now();
  for (const ref of refs) ref.tell({ type: 'deposit', amount: 1, replyTo: replies.ref });
  await kit.settle(); // every actor stopped on its JournalFailure; the deposits were not stored
  const stopped = kit.logs.find('(restart 1 with backoff)').length;
  journal.clearFaults(); // the journal is back

  await kit.advance(1_500); // min backoff * (1 + randomFactor)
  const restarts = recoveredAt.map((at) => at - downAt);
  const perMs = new Map<number, number>();
  for (const at of restarts) perMs.set(at, (perMs.get(at) ?? 0) + 1);

  const balances = kit.createTestProbe<number>();
  for (const ref of refs) ref.tell({ type: 'balance', replyTo: balances.ref });
  const recoveredBalances = new Set(await balances.receiveMessages(actors));
  await kit.shutdown();
  return {
    stopped,
    restarted: restarts.length,
    firstRestartMs: Math.min(...restarts),
    lastRestartMs: Math.max(...restarts),
    busiestMillisecond: Math.max(...perMs.values()),
    recoveredBalances,
  };
}
