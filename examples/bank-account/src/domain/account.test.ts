import { SupervisorStrategy, type ActorRef } from '@engram/core';
import { EventSourcedBehaviorTestKit } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { accountBehavior } from './account.js';
import type { AccountCommand, AccountEvent, AccountResult, AccountState, OpenResult, OperationResult, PassivationRequest } from './accountProtocol.js';
import { maxBalance } from './money.js';
import { countKeys, keptKeys, keysPerChunk } from './recentKeys.js';

let kit: EventSourcedBehaviorTestKit<AccountCommand, AccountEvent, AccountState> | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

/** A ref that records what it is told: the manager's side of passivation. */
function recordingRef(): { readonly ref: ActorRef<PassivationRequest>; readonly told: PassivationRequest[] } {
  const told: PassivationRequest[] = [];
  return { told, ref: { path: 'test://passivation', tell: (message) => told.push(message), toJSON: () => 'test://passivation' } };
}

async function account(id: string, passivation = recordingRef()) {
  kit = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(
    accountBehavior(id, { onPersistFailure: SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1, maxBackoffMs: 1 }), passivation: passivation.ref }),
  );
  return kit;
}

async function opened(id: string, owner: string | null = null) {
  const k = await account(id);
  await k.runCommand<OpenResult>((replyTo) => ({ type: 'Open', owner, replyTo }));
  return k;
}

describe('account', () => {
  it('does not exist before AccountOpened: every command but Open is answered not found, nothing is stored, and it asks to be passivated', async () => {
    const passivation = recordingRef();
    const k = await account('ghost', passivation);
    const get = await k.runCommand<AccountResult>((replyTo) => ({ type: 'GetAccount', replyTo }));
    expect(get.reply).toEqual({ ok: false, reason: 'not_found' });
    const deposit = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 5, replyTo }));
    expect(deposit.reply).toEqual({ ok: false, reason: 'not_found' });
    expect(deposit.hasNoEvents).toBe(true);
    expect(deposit.state).toEqual({ opened: false });
    expect(passivation.told).toEqual([
      { type: 'PassivationRequested', id: 'ghost', ref: k.ref },
      { type: 'PassivationRequested', id: 'ghost', ref: k.ref },
    ]);
  });

  it('opens once with AccountOpened as event 1; a second Open is refused without an event', async () => {
    const k = await account('zed');
    const now = k.testKit.clock.now();
    const open = await k.runCommand<OpenResult>((replyTo) => ({ type: 'Open', owner: 'Zed', replyTo }));
    expect(open.events).toEqual([{ type: 'AccountOpened', owner: 'Zed', at: now }]);
    expect(open.reply).toEqual({ ok: true, account: { owner: 'Zed', openedAt: now, balance: 0, operations: 0, sequenceNr: 1 } });
    const again = await k.runCommand<OpenResult>((replyTo) => ({ type: 'Open', owner: 'Other', replyTo }));
    expect(again.hasNoEvents).toBe(true);
    expect(again.reply).toEqual({ ok: false, reason: 'exists' });
    expect((await k.restart()).state).toMatchObject({ opened: true, owner: 'Zed', sequenceNr: 1 });
  });

  it('turns deposits and withdrawals into events with the balance after them, and keeps only the balance in the state', async () => {
    const k = await opened('a');
    const now = k.testKit.clock.now();
    const deposit = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 500, replyTo }));
    expect(deposit.events).toEqual([{ type: 'Deposited', amount: 500, balanceAfter: 500, at: now }]);
    expect(deposit.reply).toEqual({
      ok: true,
      balance: 500,
      replayed: false,
      operation: { sequenceNr: 2, type: 'deposit', amount: 500, balanceAfter: 500, at: now },
    });
    const withdrawal = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Withdraw', amount: 200, replyTo }));
    expect(withdrawal.reply).toMatchObject({ ok: true, balance: 300, operation: { sequenceNr: 3, type: 'withdrawal', balanceAfter: 300 } });
    expect(withdrawal.state).toEqual({ opened: true, owner: null, openedAt: now, balance: 300, sequenceNr: 3, recentKeys: [] });
    expect(k.journal.writes.flatMap((w) => w.events.map((e) => [e.persistenceId, e.sequenceNr, e.manifest, e.tags]))).toEqual([
      ['Account|a', 1, 'AccountOpened', ['account']],
      ['Account|a', 2, 'Deposited', ['account']],
      ['Account|a', 3, 'Withdrawn', ['account']],
    ]);
  });

  it('refuses a withdrawal over the balance without storing anything', async () => {
    const k = await opened('b');
    await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 100, replyTo }));
    const refused = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Withdraw', amount: 101, replyTo }));
    expect(refused.hasNoEvents).toBe(true);
    expect(refused.reply).toEqual({ ok: false, reason: 'insufficient_funds', balance: 100, amount: 101 });
  });

  it('refuses a deposit that would take the balance past what integers hold exactly', async () => {
    const k = await opened('rich');
    await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 100_000_000_000, replyTo }));
    const { state } = await k.restart();
    expect(state).toMatchObject({ balance: 100_000_000_000 });
    // A balance near the limit, as a long-lived account could reach it.
    const near = maxBalance - 5;
    const seeded = { type: 'Deposited', amount: near - 100_000_000_000, balanceAfter: near, at: 0 };
    await k.journal.writeMessages([
      {
        persistenceId: 'Account|rich',
        events: [{ persistenceId: 'Account|rich', sequenceNr: 3, serializerId: 1, manifest: 'Deposited', payload: JSON.stringify(seeded), writerUuid: 'seed', timestamp: 0, tags: [] }],
      },
    ]);
    await k.restart();
    const refused = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 6, replyTo }));
    expect(refused.reply).toEqual({ ok: false, reason: 'balance_limit', balance: near, amount: 6 });
    const fits = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 5, replyTo }));
    expect(fits.reply).toMatchObject({ ok: true, balance: maxBalance });
  });

  it('applies an operation under an idempotency key once: a retry is answered with the first result, also after a restart', async () => {
    const k = await opened('idem');
    const first = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 70, idempotencyKey: 'k-1', replyTo }));
    expect(first.events).toEqual([{ type: 'Deposited', amount: 70, balanceAfter: 70, at: expect.any(Number), idempotencyKey: 'k-1' }]);
    await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 30, replyTo }));
    await k.restart();
    const retry = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 70, idempotencyKey: 'k-1', replyTo }));
    expect(retry.hasNoEvents).toBe(true);
    expect(retry.reply).toEqual({ ...(first.reply as object), replayed: true });
    expect(retry.state).toMatchObject({ balance: 100 });

    // the same key for another operation is refused, naming what it was used for
    const otherAmount = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 71, idempotencyKey: 'k-1', replyTo }));
    const otherKind = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Withdraw', amount: 70, idempotencyKey: 'k-1', replyTo }));
    for (const refused of [otherAmount, otherKind]) {
      expect(refused.hasNoEvents).toBe(true);
      expect(refused.reply).toEqual({
        ok: false,
        reason: 'idempotency_key_reused',
        key: 'k-1',
        original: { sequenceNr: 2, type: 'deposit', amount: 70, balanceAfter: 70, at: expect.any(Number) },
      });
    }
  });

  it(`remembers at least the last ${keptKeys} keys, and forgets older ones`, async () => {
    const k = await opened('many-keys');
    for (let i = 1; i <= keptKeys + 150; i++) {
      const result = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 1, idempotencyKey: `key-${i}`, replyTo }));
      expect(result.reply).toMatchObject({ ok: true, replayed: false });
    }
    const { state } = await k.restart();
    if (!state.opened) throw new Error('the account is open');
    expect(countKeys(state.recentKeys)).toBeGreaterThanOrEqual(keptKeys);
    expect(countKeys(state.recentKeys)).toBeLessThanOrEqual(keptKeys + keysPerChunk);
    // the 1,000th-newest key is still known; the very first is forgotten and applies again
    const kept = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 1, idempotencyKey: `key-151`, replyTo }));
    expect(kept.reply).toMatchObject({ ok: true, replayed: true, operation: { sequenceNr: 152 } });
    const forgotten = await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount: 1, idempotencyKey: 'key-1', replyTo }));
    expect(forgotten.reply).toMatchObject({ ok: true, replayed: false, balance: keptKeys + 151 });
  });

  it('recovers the balance and the sequence nr after a restart', async () => {
    const k = await opened('c');
    for (const amount of [10, 20, 30]) await k.runCommand<OperationResult>((replyTo) => ({ type: 'Deposit', amount, replyTo }));
    const before = await k.getState();
    const { state } = await k.restart();
    expect(state).toEqual(before);
    expect(state).toMatchObject({ balance: 60, sequenceNr: 4 });
  });
});
