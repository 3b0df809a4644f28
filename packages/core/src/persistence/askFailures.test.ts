import { afterEach, describe, expect, it } from 'vitest';
import { ask } from '../actor/ask.js';
import { AskTimeout, RecipientTerminated } from '../actor/errors.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { account } from './fixtures/account.test-support.js';
import { storedEvent } from './fixtures/GatedJournal.test-support.js';
import { track } from '../actor/trackPromise.test-support.js';

// An ask to a persistent actor that stops (recovery failed, its persistenceId is taken) fails at
// once with RecipientTerminated, the stop's reason as cause, instead of waiting for its timeout.

let kit: ActorTestKit | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

async function journalWithOneDeposit(persistenceId: string): Promise<FaultInjectingJournal> {
  const memory = new MemoryJournal();
  await memory.writeMessages([{ persistenceId, events: [storedEvent(persistenceId, 1, { type: 'Deposited', amount: 3 }, 'Deposited')] }]);
  return new FaultInjectingJournal(memory);
}

function testKit(journal: FaultInjectingJournal): ActorTestKit {
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
  return kit;
}

describe('ask to a persistent actor that stops', () => {
  it('recovery fails (no onPersistFailure): the ask sent during recovery fails at once with RecoveryFailed as cause', async () => {
    const journal = await journalWithOneDeposit('Account|r');
    journal.failReplay({ times: 1 });
    const kit = testKit(journal);
    const ref = kit.spawn(account('r'), 'acc');
    const reply = track(ask(ref, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 }));
    await kit.settle();
    const error = reply.outcome as RecipientTerminated;
    expect(error).toBeInstanceOf(RecipientTerminated);
    expect(error).toMatchObject({ path: 'engram://test/user/acc', requestType: 'balance', when: 'stopped before reply' });
    expect((error.cause as Error).name).toBe('RecoveryFailed');
    expect(error.message).toMatch(
      /^ask to engram:\/\/test\/user\/acc failed: the recipient stopped before replying to balance after failing with RecoveryFailed: recovery of persistenceId "Account\|r" failed/,
    );
    expect(kit.clock.pendingTasks).toBe(0);

    // Once it has stopped, a new ask fails at once too, and still names why it stopped.
    const late = await ask(ref, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 }).catch((e: unknown) => e);
    expect(late).toMatchObject({ name: 'RecipientTerminated', when: 'not alive' });
    expect((late as Error).message).toMatch(/the recipient had stopped after failing with RecoveryFailed: .*, so balance went to dead letters$/);
  });

  it('a second actor for a persistenceId that is taken stops with DuplicatePersistenceId: its ask fails, the first one answers', async () => {
    const kit = testKit(await journalWithOneDeposit('Account|d'));
    const first = kit.spawn(account('d'), 'first');
    await expect(ask(first, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 })).resolves.toBe(3);
    const second = kit.spawn(account('d'), 'second');
    const reply = track(ask(second, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 }));
    await kit.settle();
    expect(reply.outcome).toBeInstanceOf(RecipientTerminated);
    expect(reply.outcome).toMatchObject({ path: 'engram://test/user/second', requestType: 'balance' });
    expect(((reply.outcome as Error).cause as Error).name).toBe('DuplicatePersistenceId');
    await expect(ask(first, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 })).resolves.toBe(3);
  });

  it('a journal failure with onPersistFailure backoff restarts the actor: an ask waiting meanwhile is answered after recovery', async () => {
    const journal = await journalWithOneDeposit('Account|b');
    const kit = testKit(journal);
    const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 200, maxBackoffMs: 2000, randomFactor: 0 });
    const ref = kit.spawn(account('b', { onPersistFailure: backoff }), 'acc');
    await expect(ask(ref, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 })).resolves.toBe(3);
    journal.failWrite({ nth: 1 });
    const lost = track(ask(ref, (replyTo) => ({ type: 'deposit', amount: 5, replyTo }), { timeoutMs: 1000 }));
    await kit.settle();
    const waiting = track(ask(ref, (replyTo) => ({ type: 'balance', replyTo }), { timeoutMs: 3000 }));
    await kit.settle();
    expect([lost.outcome, waiting.outcome]).toEqual(['pending', 'pending']);
    await kit.advance(200);
    expect(waiting.outcome).toBe(3);
    // The command whose events were not stored gets no reply: its ask times out, it is not told the actor stopped.
    await kit.advance(800);
    expect(lost.outcome).toBeInstanceOf(AskTimeout);
  });
});
