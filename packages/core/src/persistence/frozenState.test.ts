import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ActorSystem } from '../actor/ActorSystem.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { EventSourcedBehaviorTestKit } from '../testkit/EventSourcedBehaviorTestKit.js';
import { Effect } from './Effect.js';
import type { PersistFailure } from './errors.js';
import { eventSourced } from './eventSourced.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import { storedPayloads } from './fixtures/HeldJournal.test-support.js';
import { Persistence } from './Persistence.js';
import { RetentionCriteria } from './RetentionCriteria.js';

// In development every state an eventSourced actor holds, and every event it applies, is frozen:
// a handler that changes them fails at once, instead of leaking into emptyState and every actor
// that shares it.

type Cart = { readonly items: string[] };
type Cmd = { readonly add: string; readonly replyTo: ActorRef<string> } | { readonly get: ActorRef<Cart> };
type Evt = { type: 'Added'; item: string };

const shared: Cart = { items: [] };

/** A cart whose event handler changes the state it was given, the bug freezing catches. */
const mutatingCart = (id: string) =>
  eventSourced<Cmd, Evt, Cart>({
    persistenceId: id,
    emptyState: shared,
    commandHandler: (state, cmd) =>
      'get' in cmd
        ? Effect.reply(cmd.get, state)
        : Effect.persist<Evt, Cart>({ type: 'Added', item: cmd.add })
            .thenReply(cmd.replyTo, (s) => `added, ${s.items.length} items`)
            .onFailure(cmd.replyTo, (error: PersistFailure) => `${error.name}: ${error.message}`),
    eventHandler: (state, event) => {
      state.items.push(event.item);
      return state;
    },
  });

const correctCart = (id: string, options: { snapshots?: boolean } = {}) =>
  eventSourced<Cmd, Evt, Cart>({
    persistenceId: id,
    emptyState: shared,
    commandHandler: (state, cmd) =>
      'get' in cmd ? Effect.reply(cmd.get, state) : Effect.persist<Evt, Cart>({ type: 'Added', item: cmd.add }).thenReply(cmd.replyTo, () => 'added'),
    eventHandler: (state, event) => ({ items: [...state.items, event.item] }),
    ...(options.snapshots ? { retention: RetentionCriteria.snapshotEvery(1, 1) } : {}),
  });

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((k) => k.shutdown()));
  kits = [];
});

function testKit(journal: Journal = new MemoryJournal(), freezeState?: boolean) {
  const kit = ActorTestKit.create({
    config: { persistence: { journal, snapshotStore: new MemorySnapshotStore(), ...(freezeState === undefined ? {} : { freezeState }) } },
  });
  kits.push(kit);
  return kit;
}

const add = (ref: ActorRef<Cmd>, item: string) => ask(ref, (replyTo: ActorRef<string>) => ({ add: item, replyTo }), { timeoutMs: 60_000 });
const get = (ref: ActorRef<Cmd>) => ask(ref, (replyTo: ActorRef<Cart>) => ({ get: replyTo }), { timeoutMs: 60_000 });

describe('frozen states (freezeState, on outside production)', () => {
  it('a handler that changes its state fails at once with EventHandlerFailed, the event unstored and emptyState intact', async () => {
    const journal = new MemoryJournal();
    const kit = testKit(journal);
    const ref = kit.spawn(mutatingCart('cart-1'));
    const reply = await add(ref, 'apple');
    expect(reply).toBe(
      'EventHandlerFailed: the event handler threw on event Added (sequence nr 1) of persistenceId "cart-1" before it was stored: ' +
        'Cannot add property 0, object is not extensible; it changed the state or event it was given, which are frozen in ' +
        'development (persistence.freezeState, on unless NODE_ENV is production): return a new state instead, ' +
        'e.g. { ...state, items: [...state.items, item] }',
    );
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure).toMatchObject({ name: 'EventHandlerFailed', persistenceId: 'cart-1', eventType: 'Added', changedFrozen: true });
    expect(await storedPayloads(journal, 'cart-1')).toEqual([]);
    expect(shared.items).toEqual([]);
    // An actor sharing emptyState starts from it, unchanged.
    const other = kit.spawn(correctCart('cart-2'));
    expect(await add(other, 'pear')).toBe('added');
    expect(await get(other)).toEqual({ items: ['pear'] });
    expect(Object.isFrozen(await get(other))).toBe(true);
  });

  it('without freezing, the same handler leaks its items into emptyState and so into every other cart (what freezing prevents)', async () => {
    const local: Cart = { items: [] };
    const leaky = (id: string) =>
      eventSourced<Cmd, Evt, Cart>({
        persistenceId: id,
        emptyState: local,
        commandHandler: (state, cmd) =>
          'get' in cmd ? Effect.reply(cmd.get, state) : Effect.persist<Evt, Cart>({ type: 'Added', item: cmd.add }).thenReply(cmd.replyTo, () => 'added'),
        eventHandler: (state, event) => {
          state.items.push(event.item);
          return state;
        },
      });
    const kit = testKit(new MemoryJournal(), false);
    expect(await add(kit.spawn(leaky('leak-1')), 'apple')).toBe('added');
    expect(await get(kit.spawn(leaky('leak-2')))).toEqual({ items: ['apple'] });
  });

  it('during recovery the failure is a RecoveryFailed naming the persistenceId, sequence nr, event type and the freezing', async () => {
    const journal = new MemoryJournal();
    // Stored by a production system, where nothing is frozen and the handler "worked".
    const production = testKit(journal, false);
    const local: Cart = { items: [] };
    const cart = (id: string) =>
      eventSourced<Cmd, Evt, Cart>({
        persistenceId: id,
        emptyState: local,
        commandHandler: (_s, cmd) => ('get' in cmd ? Effect.none() : Effect.persist<Evt, Cart>({ type: 'Added', item: cmd.add }).thenReply(cmd.replyTo, () => 'added')),
        eventHandler: (state, event) => {
          state.items.push(event.item);
          return state;
        },
        signalHandler: (_s, signal) => void signals.push(signal),
      });
    const signals: EventSourcedSignal[] = [];
    expect(await add(production.spawn(cart('cart-r')), 'apple')).toBe('added');
    const development = testKit(journal);
    local.items.length = 0;
    const ref = development.spawn(cart('cart-r'));
    const failure = (await development.createTestProbe<never>().expectTerminated(ref)).failure;
    expect(failure?.name).toBe('RecoveryFailed');
    expect(failure?.message).toBe(
      'recovery of persistenceId "cart-r" failed at event sequence nr 1 (manifest "Added"): the event handler threw on event ' +
        'Added: Cannot add property 0, object is not extensible; it changed the state or event it was given, which are frozen ' +
        'in development (persistence.freezeState, on unless NODE_ENV is production): return a new state instead, ' +
        'e.g. { ...state, items: [...state.items, item] }',
    );
    expect(failure?.cause).toMatchObject({ name: 'EventHandlerFailed', phase: 'recovery', sequenceNr: 1, persistenceId: 'cart-r' });
    expect(signals.filter((s) => s.type === 'RecoveryFailed')).toHaveLength(1);
  });

  it('a state recovered from a snapshot is frozen too', async () => {
    const kit = await EventSourcedBehaviorTestKit.create<Cmd, Evt, Cart>(correctCart('cart-s', { snapshots: true }));
    kits.push(kit.testKit);
    await kit.runCommand<string>((replyTo) => ({ add: 'apple', replyTo }));
    expect(kit.snapshotStore.saves.map((s) => s.metadata.sequenceNr)).toEqual([1]);
    const { state } = await kit.restart();
    expect(state).toEqual({ items: ['apple'] });
    expect(Object.isFrozen(state) && Object.isFrozen(state.items)).toBe(true);
  });

  it('the events handed to the event handler are frozen: changing one fails instead of changing what is stored', async () => {
    const journal = new MemoryJournal();
    const kit = testKit(journal);
    const ref = kit.spawn(
      eventSourced<Cmd, Evt, Cart>({
        persistenceId: 'stamp',
        emptyState: { items: [] },
        commandHandler: (_s, cmd) => ('get' in cmd ? Effect.none() : Effect.persist<Evt, Cart>({ type: 'Added', item: cmd.add }).thenReply(cmd.replyTo, () => 'added')),
        eventHandler: (state, event) => {
          event.item = event.item.toUpperCase();
          return { items: [...state.items, event.item] };
        },
      }),
    );
    ref.tell({ add: 'apple', replyTo: kit.createTestProbe<string>().ref });
    const failure = (await kit.createTestProbe<never>().expectTerminated(ref)).failure;
    expect(failure?.message).toMatch(/^the event handler threw on event Added \(sequence nr 1\) of persistenceId "stamp" before it was stored: Cannot assign to read only property 'item'/);
    expect(await storedPayloads(journal, 'stamp')).toEqual([]);
  });

  it('an event handler that fails for another reason is named without the freezing hint', async () => {
    const kit = testKit();
    const ref = kit.spawn(
      eventSourced<Cmd, Evt, Cart>({
        persistenceId: 'plain-failure',
        emptyState: { items: [] },
        commandHandler: (_s, cmd) => ('get' in cmd ? Effect.none() : Effect.persist<Evt, Cart>({ type: 'Added', item: cmd.add })),
        eventHandler: () => {
          throw new RangeError('no room');
        },
      }),
    );
    ref.tell({ add: 'apple', replyTo: kit.createTestProbe<string>().ref });
    const failure = (await kit.createTestProbe<never>().expectTerminated(ref)).failure;
    expect(failure?.message).toBe('the event handler threw on event Added (sequence nr 1) of persistenceId "plain-failure" before it was stored: no room');
    expect(failure).toMatchObject({ changedFrozen: false, cause: { name: 'RangeError' } });
  });
});

describe('the freezeState setting', () => {
  async function settingWith(nodeEnv: string | undefined, freezeState?: unknown): Promise<boolean> {
    const before = process.env['NODE_ENV'];
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
    const system = ActorSystem.create('freeze', { persistence: { ...(freezeState === undefined ? {} : { freezeState: freezeState as boolean }) } });
    try {
      return Persistence.get(system).settings.freezeState;
    } finally {
      if (before === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = before;
      await system.terminate();
    }
  }

  it('is on unless NODE_ENV is production, and an explicit setting wins', async () => {
    expect(await settingWith('production')).toBe(false);
    expect(await settingWith('development')).toBe(true);
    expect(await settingWith(undefined)).toBe(true);
    expect(await settingWith('production', true)).toBe(true);
    expect(await settingWith('test', false)).toBe(false);
  });

  it('refuses what is not a boolean', async () => {
    await expect(settingWith('test', 'yes')).rejects.toThrow('persistence.freezeState must be true or false, got "yes"');
  });

  it('the test kit freezes even in production', async () => {
    const before = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    let kit: EventSourcedBehaviorTestKit<Cmd, Evt, Cart> | undefined;
    try {
      kit = await EventSourcedBehaviorTestKit.create<Cmd, Evt, Cart>(mutatingCart('kit-cart'));
    } finally {
      process.env['NODE_ENV'] = before;
    }
    try {
      const probe = kit.testKit.createTestProbe<string>();
      kit.ref.tell({ add: 'apple', replyTo: probe.ref });
      expect(await probe.receiveMessage()).toMatch(/^EventHandlerFailed: .*frozen in development/);
      expect(shared.items).toEqual([]);
    } finally {
      await kit.shutdown();
    }
  });
});
