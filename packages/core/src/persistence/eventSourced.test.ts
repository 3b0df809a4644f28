import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { EventSourcedBehaviorTestKit } from '../testkit/EventSourcedBehaviorTestKit.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import {
  account,
  type AccountCommand,
  type AccountEvent,
  type AccountReply,
  type AccountState,
} from './fixtures/account.test-support.js';

let kit: EventSourcedBehaviorTestKit<any, any, any> | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

async function accountKit(id = '1', overrides: Parameters<typeof account>[1] = {}) {
  const created = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(account(id, overrides));
  kit = created;
  return created;
}

describe('eventSourced', () => {
  it('persists the events of a command, applies them, and replies with the new state', async () => {
    const k = await accountKit();
    const result = await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 100, replyTo }));
    expect(result.events).toEqual([{ type: 'Deposited', amount: 100 }]);
    expect(result.state).toEqual({ balance: 100, closed: false });
    expect(result.reply).toEqual({ ok: true, balance: 100 });
    const refused = await k.runCommand<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 500, replyTo }));
    expect(refused.hasNoEvents).toBe(true);
    expect(refused.reply).toEqual({ ok: false, error: 'insufficient funds' });
    expect(refused.state.balance).toBe(100);
  });

  it('recovers its state from the journal after a restart', async () => {
    const k = await accountKit();
    await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 100, replyTo }));
    await k.runCommand<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 30, replyTo }));
    await k.runCommand<AccountReply>((replyTo) => ({ type: 'close', replyTo }));
    const { state } = await k.restart();
    expect(state).toEqual({ balance: 70, closed: true });
    const afterRestart = await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 1, replyTo }));
    expect(afterRestart.reply).toEqual({ ok: false, error: 'account closed' });
  });

  it('stores events with consecutive sequence nrs, the writer uuid, a timestamp and the tagger tags', async () => {
    const k = await accountKit('tagged', { tagger: (e) => (e.type === 'Deposited' ? ['money-in', 'account'] : ['account']) });
    await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 5, replyTo }));
    await k.runCommand<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 2, replyTo }));
    const stored = k.journal.writes.flatMap((w) => w.events);
    expect(stored.map((r) => [r.persistenceId, r.sequenceNr, r.manifest, r.tags])).toEqual([
      ['Account|tagged', 1, 'Deposited', ['money-in', 'account']],
      ['Account|tagged', 2, 'Withdrawn', ['account']],
    ]);
    expect(stored[0]!.payload).toBe('{"type":"Deposited","amount":5}');
    expect(stored[0]!.writerUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(stored[0]!.timestamp).toBe(k.testKit.clock.now());
  });

  it('persists several events of one command atomically, in one write', async () => {
    const k = await EventSourcedBehaviorTestKit.create<{ type: 'pay'; n: number }, AccountEvent, number>(
      eventSourced<{ type: 'pay'; n: number }, AccountEvent, number>({
        persistenceId: 'multi',
        emptyState: 0,
        commandHandler: (_s, c) =>
          Effect.persist([
            { type: 'Deposited', amount: c.n },
            { type: 'Withdrawn', amount: 1 },
          ]),
        eventHandler: (s, e) => (e.type === 'Deposited' ? s + e.amount : e.type === 'Withdrawn' ? s - e.amount : s),
      }),
    );
    kit = k;
    const result = await k.runCommand({ type: 'pay', n: 10 });
    expect(result.events).toHaveLength(2);
    expect(result.state).toBe(9);
    expect(k.journal.writes).toHaveLength(1);
    expect(k.journal.writes[0]!.events.map((e) => e.sequenceNr)).toEqual([1, 2]);
  });

  it('commands arriving while a persist is in flight wait for it, and are handled in order', async () => {
    const k = await accountKit();
    const probe = k.testKit.createTestProbe<AccountReply>();
    for (const amount of [1, 2, 3]) k.ref.tell({ type: 'deposit', amount, replyTo: probe.ref });
    k.ref.tell({ type: 'withdraw', amount: 6, replyTo: probe.ref });
    expect(await probe.receiveMessages(4)).toEqual([
      { ok: true, balance: 1 },
      { ok: true, balance: 3 },
      { ok: true, balance: 6 },
      { ok: true, balance: 0 },
    ]);
    // Each command waited for the previous write: four writes, in order.
    expect(k.journal.writes.map((w) => w.events[0]!.sequenceNr)).toEqual([1, 2, 3, 4]);
  });

  it('side effects see the state after the events and run once they are stored', async () => {
    const seen: number[] = [];
    const k = await EventSourcedBehaviorTestKit.create<number, AccountEvent, number>(
      eventSourced<number, AccountEvent, number>({
        persistenceId: 'effects',
        emptyState: 0,
        commandHandler: (state, n) =>
          Effect.persist({ type: 'Deposited', amount: n })
            .thenRun((s) => seen.push(s))
            .thenRun(() => seen.push(state)),
        eventHandler: (s, e) => (e.type === 'Deposited' ? s + e.amount : s),
      }),
    );
    kit = k;
    await k.runCommand(5);
    expect(seen).toEqual([5, 0]);
  });

  it('Effect.none, unhandled and reply change nothing', async () => {
    type C = { type: 'noop' } | { type: 'other' } | { type: 'ask'; replyTo: ActorRef<string> };
    const k = await EventSourcedBehaviorTestKit.create<C, never, number>(
      eventSourced<C, never, number>({
        persistenceId: 'none',
        emptyState: 7,
        commandHandler: (_s, c) =>
          c.type === 'noop' ? Effect.none() : c.type === 'other' ? Effect.unhandled() : Effect.reply(c.replyTo, 'yes'),
        eventHandler: (s) => s,
      }),
    );
    kit = k;
    expect((await k.runCommand({ type: 'noop' })).state).toBe(7);
    expect((await k.runCommand({ type: 'other' })).hasNoEvents).toBe(true);
    expect(k.testKit.logs.find('unhandled command')).toHaveLength(1);
    expect((await k.runCommand<string>((replyTo) => ({ type: 'ask', replyTo }))).reply).toBe('yes');
  });

  it('Effect.stop and thenStop stop the actor (thenStop after the events are stored)', async () => {
    type C = { type: 'stop' } | { type: 'persistThenStop' };
    const k = await EventSourcedBehaviorTestKit.create<C, AccountEvent, number>(
      eventSourced<C, AccountEvent, number>({
        persistenceId: 'stopper',
        emptyState: 0,
        commandHandler: (_s, c) => (c.type === 'stop' ? Effect.stop() : Effect.persist({ type: 'Closed' }).thenStop()),
        eventHandler: (s) => s + 1,
      }),
    );
    kit = k;
    const watcher = k.testKit.createTestProbe<never>();
    const first = k.ref;
    k.ref.tell({ type: 'persistThenStop' });
    await watcher.expectTerminated(first);
    expect(k.journal.writes).toHaveLength(1);
    const { state } = await k.restart();
    expect(state).toBe(1);
    k.ref.tell({ type: 'stop' });
    await watcher.expectTerminated(k.ref);
  });

  it('Effect.stash keeps commands aside until thenUnstashAll, then handles them before newer ones', async () => {
    type C = { type: 'open' } | { type: 'add'; n: number; replyTo: ActorRef<string> };
    type E = { type: 'Opened' } | { type: 'Added'; n: number };
    type S = { open: boolean; total: number };
    const k = await EventSourcedBehaviorTestKit.create<C, E, S>(
      eventSourced<C, E, S>({
        persistenceId: 'stasher',
        emptyState: { open: false, total: 0 },
        commandHandler: (s, c) => {
          if (c.type === 'open') return Effect.persist({ type: 'Opened' }).thenUnstashAll();
          if (!s.open) return Effect.stash();
          return Effect.persist({ type: 'Added', n: c.n }).thenReply(c.replyTo, (st) => `total ${st.total}`);
        },
        eventHandler: (s, e) => (e.type === 'Opened' ? { ...s, open: true } : { ...s, total: s.total + e.n }),
      }),
    );
    kit = k;
    const probe = k.testKit.createTestProbe<string>();
    k.ref.tell({ type: 'add', n: 1, replyTo: probe.ref });
    k.ref.tell({ type: 'add', n: 2, replyTo: probe.ref });
    await probe.expectNoMessage();
    k.ref.tell({ type: 'open' });
    k.ref.tell({ type: 'add', n: 4, replyTo: probe.ref });
    expect(await probe.receiveMessages(3)).toEqual(['total 1', 'total 3', 'total 7']);
  });

  it('signals RecoveryCompleted with the recovered state', async () => {
    const signals: [string, AccountState][] = [];
    const signalHandler = (state: AccountState, signal: EventSourcedSignal) => void signals.push([signal.type, state]);
    const k = await accountKit('signals', { signalHandler });
    await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 3, replyTo }));
    await k.restart();
    expect(signals).toEqual([
      ['RecoveryCompleted', { balance: 0, closed: false }],
      ['RecoveryCompleted', { balance: 3, closed: false }],
    ]);
  });

  it('a command handler that returns something other than an Effect fails the actor with a clear error', async () => {
    const k = await EventSourcedBehaviorTestKit.create<string, never, number>(
      eventSourced<string, never, number>({
        persistenceId: 'broken',
        emptyState: 0,
        commandHandler: () => ({ type: 'persist' }) as never,
        eventHandler: (s) => s,
      }),
    );
    kit = k;
    const watcher = k.testKit.createTestProbe<never>();
    k.ref.tell('x');
    const terminated = await watcher.expectTerminated(k.ref);
    expect(terminated.failure?.message).toBe(
      'persistenceId "broken": the command handler returned persist for string; it must return an Effect',
    );
  });
});
