import { MemoryJournal, Persistence, SupervisorStrategy, type ActorRef } from '@engram/core';
import { ActorTestKit, type TestProbe } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountCommand, AccountResult, OpenResult, OperationResult } from '../domain/index.js';
import { WriteGate } from '../testing/WriteGate.test-support.js';
import { accountManager, type ManagerMessage, type ManagerStats } from './AccountManager.js';

const idleMs = 1_000;
let kit: ActorTestKit | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

/** The manager on the manual clock over an in-memory journal behind a gate, counting recoveries per persistenceId. */
function start(options: { maxBufferedPerAccount?: number } = {}) {
  const gate = new WriteGate(new MemoryJournal());
  const k = ActorTestKit.create({ config: { persistence: { journal: gate } }, heldWork: () => gate.waiting });
  kit = k;
  const recoveries = new Map<string, number>();
  Persistence.get(k.system).inspect((event) => {
    if (event.type === 'RecoveryCompleted') recoveries.set(event.persistenceId, (recoveries.get(event.persistenceId) ?? 0) + 1);
  });
  const manager = k.spawn(accountManager({ idleMs, onPersistFailure: SupervisorStrategy.stop(), ...options }), 'accounts');
  const send = <R>(id: string, command: (replyTo: ActorRef<R>) => AccountCommand): TestProbe<R> => {
    const probe = k.createTestProbe<R>();
    manager.tell({ type: 'Deliver', id, command: command(probe.ref) } satisfies ManagerMessage);
    return probe;
  };
  const stats = async (): Promise<ManagerStats> => {
    const probe = k.createTestProbe<ManagerStats>();
    manager.tell({ type: 'GetStats', replyTo: probe.ref });
    return probe.receiveMessage();
  };
  const deposit = (id: string, amount: number) => send<OperationResult>(id, (replyTo) => ({ type: 'Deposit', amount, replyTo }));
  return { k, gate, recoveries, send, stats, deposit };
}

describe('the account manager', () => {
  it('starts an account on its first command and passivates it after idleMs without commands; the next command brings it back', async () => {
    const { k, recoveries, send, stats, deposit } = start();
    expect(await send<OpenResult>('a', (replyTo) => ({ type: 'Open', owner: 'Ann', replyTo })).receiveMessage()).toMatchObject({ ok: true });
    expect(await stats()).toEqual({ live: 1, passivating: 0 });

    await k.advance(900);
    expect(await deposit('a', 5).receiveMessage()).toMatchObject({ ok: true, balance: 5 });
    await k.advance(idleMs); // t = 1900: idle for 1000 ms only at t = 1900, checked at 2000
    expect(await stats()).toEqual({ live: 1, passivating: 0 });
    await k.advance(100);
    expect(await stats()).toEqual({ live: 0, passivating: 0 });
    expect(recoveries.get('Account|a')).toBe(1);

    const back = await deposit('a', 7).receiveMessage();
    expect(back).toMatchObject({ ok: true, balance: 12, operation: { sequenceNr: 3 } });
    expect(recoveries.get('Account|a')).toBe(2);
    expect(await stats()).toEqual({ live: 1, passivating: 0 });
  });

  it('answers an unknown id "not found" and does not keep its actor', async () => {
    const { recoveries, send, stats } = start();
    const replies = await Promise.all([1, 2, 3].map(() => send<AccountResult>('nobody', (replyTo) => ({ type: 'GetAccount', replyTo })).receiveMessage()));
    expect(replies).toEqual([1, 2, 3].map(() => ({ ok: false, reason: 'not_found' })));
    expect(await stats()).toEqual({ live: 0, passivating: 0 });
    expect(recoveries.get('Account|nobody')).toBe(1);
  });

  it('loses no command that arrives while an account is passivating: it waits, then goes to a new incarnation in order', async () => {
    const { k, gate, recoveries, send, stats, deposit } = start();
    await send<OpenResult>('r', (replyTo) => ({ type: 'Open', owner: null, replyTo })).receiveMessage();

    // A deposit whose write is held, then the idle check: Passivate queues behind the deposit.
    gate.hold();
    const first = deposit('r', 5);
    await gate.held;
    await k.advance(idleMs);
    expect(await stats()).toEqual({ live: 0, passivating: 1 });

    // Commands meanwhile are held by the manager, not sent to the stopping actor.
    const second = deposit('r', 7);
    const third = send<AccountResult>('r', (replyTo) => ({ type: 'GetAccount', replyTo }));
    expect(second.messages).toEqual([]);

    gate.open();
    expect(await first.receiveMessage()).toMatchObject({ ok: true, balance: 5, operation: { sequenceNr: 2 } });
    expect(await second.receiveMessage()).toMatchObject({ ok: true, balance: 12, operation: { sequenceNr: 3 } });
    expect(await third.receiveMessage()).toMatchObject({ ok: true, account: { balance: 12, operations: 2 } });
    expect(recoveries.get('Account|r')).toBe(2);
    expect(await stats()).toEqual({ live: 1, passivating: 0 });
  });

  it('answers unavailable beyond maxBufferedPerAccount commands waiting for a stopping account', async () => {
    const { k, gate, send, deposit } = start({ maxBufferedPerAccount: 2 });
    await send<OpenResult>('full', (replyTo) => ({ type: 'Open', owner: null, replyTo })).receiveMessage();
    gate.hold();
    const held = deposit('full', 1);
    await gate.held;
    await k.advance(idleMs);
    const waiting = [deposit('full', 2), deposit('full', 3)];
    const refused = await deposit('full', 4).receiveMessage();
    expect(refused).toEqual({ ok: false, reason: 'unavailable', message: 'account full is stopping and 2 requests already wait for it; try again shortly' });
    gate.open();
    expect(await held.receiveMessage()).toMatchObject({ ok: true, balance: 1 });
    expect(await Promise.all(waiting.map((probe) => probe.receiveMessage()))).toMatchObject([{ balance: 3 }, { balance: 6 }]);
  });
});
