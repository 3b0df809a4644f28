import type { AccountCommand, AccountEvent, AccountState, OperationResult } from './account.js';
import { EventSourcedBehaviorTestKit } from '@engram/core/testkit';
import { SupervisorStrategy } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { accountBehavior } from './account.js';
import { maxBalance } from './money.js';

let kit: EventSourcedBehaviorTestKit<AccountCommand, AccountEvent, AccountState> | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

async function account(id: string) {
  kit = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(
    accountBehavior(id, { onPersistFailure: SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1, maxBackoffMs: 1 }) }),
  );
  return kit;
}

describe('account', () => {
  it('turns deposits and withdrawals into events stamped with the system clock, and replies with the operation', async () => {
    const k = await account('a');
    const now = k.testKit.clock.now();
    const deposit = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 500, replyTo }));
    expect(deposit.events).toEqual([{ type: 'Deposited', amount: 500, at: now }]);
    expect(deposit.reply).toEqual({
      ok: true,
      balance: 500,
      operation: { sequenceNr: 1, type: 'deposit', amount: 500, balanceAfter: 500, at: now },
    });
    const withdrawal = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Withdraw', amount: 200, replyTo }));
    expect(withdrawal.reply).toMatchObject({ ok: true, balance: 300, operation: { sequenceNr: 2, type: 'withdrawal', balanceAfter: 300 } });
    expect(withdrawal.state.history).toHaveLength(2);
    expect(k.journal.writes.flatMap((w) => w.events.map((e) => [e.persistenceId, e.sequenceNr, e.manifest, e.tags]))).toEqual([
      ['Account|a', 1, 'Deposited', ['account']],
      ['Account|a', 2, 'Withdrawn', ['account']],
    ]);
  });

  it('refuses a withdrawal over the balance without storing anything', async () => {
    const k = await account('b');
    await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 100, replyTo }));
    const refused = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Withdraw', amount: 101, replyTo }));
    expect(refused.hasNoEvents).toBe(true);
    expect(refused.reply).toEqual({ ok: false, reason: 'insufficient_funds', balance: 100, amount: 101 });
    expect(refused.state.balance).toBe(100);
  });

  it('refuses a deposit that would take the balance past what integers hold exactly', async () => {
    const k = await account('rich');
    const seed = { type: 'Deposited', amount: maxBalance - 5, at: 0 };
    await k.journal.writeMessages([
      {
        persistenceId: 'Account|rich',
        events: [
          { persistenceId: 'Account|rich', sequenceNr: 1, serializerId: 1, manifest: 'Deposited', payload: JSON.stringify(seed), writerUuid: 'seed', timestamp: 0, tags: [] },
        ],
      },
    ]);
    await k.restart();
    const refused = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 6, replyTo }));
    expect(refused.reply).toEqual({ ok: false, reason: 'balance_limit', balance: maxBalance - 5, amount: 6 });
    const fits = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 5, replyTo }));
    expect(fits.reply).toMatchObject({ ok: true, balance: maxBalance });
  });

  it('recovers balance and history after a restart', async () => {
    const k = await account('c');
    for (const amount of [10, 20, 30]) await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount, replyTo }));
    const before = await k.getState();
    const { state } = await k.restart();
    expect(state).toEqual(before);
    expect(state.history.map((o) => o.balanceAfter)).toEqual([10, 30, 60]);
  });
});
