import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { InvalidArgument } from '../errors/index.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { UnknownFsmState } from './errors.js';
import { storedEvents } from './fixtures/journal.test-support.js';
import { query } from './fixtures/query.test-support.js';
import { coat, shirt, shoes, webStoreCustomer, type Cart, type Command, type Report } from './fixtures/webStore.test-support.js';
import { persistentFSM } from './persistentFSM.js';

let kit: ActorTestKit;
let journal: MemoryJournal;
afterEach(() => kit?.shutdown());

function start() {
  journal = new MemoryJournal();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
}

const cartOf = (ref: ActorRef<Command>) => query<Command, Cart>(kit, ref, (replyTo) => ({ type: 'GetCurrentCart', replyTo }));
const stateOf = (ref: ActorRef<Command>) => query<Command, string>(kit, ref, (replyTo) => ({ type: 'GetState', replyTo }));

describe('persistentFSM as a regular FSM (PersistentFSMSpec)', () => {
  it('moves between states, applies events to the data, replies, and stops', async () => {
    start();
    const transitions = kit.createTestProbe<string>();
    const ref = kit.spawn(webStoreCustomer('fsm-1', { transitions: transitions.ref }));
    const carts = kit.createTestProbe<Cart>();
    const get = () => ref.tell({ type: 'GetCurrentCart', replyTo: carts.ref });
    get();
    ref.tell({ type: 'AddItem', item: shirt });
    get();
    ref.tell({ type: 'AddItem', item: shoes });
    get();
    ref.tell({ type: 'AddItem', item: coat });
    get();
    ref.tell({ type: 'Buy' });
    get();
    ref.tell({ type: 'Leave' });
    expect(await carts.receiveMessages(5)).toEqual([[], [shirt], [shirt, shoes], [shirt, shoes, coat], [shirt, shoes, coat]]);
    expect(await transitions.receiveMessages(2)).toEqual(['LookingAround -> Shopping', 'Shopping -> Paid']);
    await carts.expectTerminated(ref as ActorRef<never>);
  });

  it('recovers the state name and the data from the journal', async () => {
    start();
    const first = kit.spawn(webStoreCustomer('fsm-2'));
    first.tell({ type: 'AddItem', item: shirt });
    first.tell({ type: 'AddItem', item: shoes });
    expect(await cartOf(first)).toEqual([shirt, shoes]);
    first.tell({ type: 'PoisonPill' });
    const probe = kit.createTestProbe<never>();
    await probe.expectTerminated(first as ActorRef<never>);

    const transitions = kit.createTestProbe<string>();
    const report = kit.createTestProbe<Report>();
    const second = kit.spawn(webStoreCustomer('fsm-2', { transitions: transitions.ref, report: report.ref }));
    expect(await stateOf(second)).toBe('Shopping');
    expect(await cartOf(second)).toEqual([shirt, shoes]);
    second.tell({ type: 'AddItem', item: coat });
    second.tell({ type: 'Buy' });
    expect(await report.receiveMessage()).toEqual({ type: 'PurchaseWasMade', items: [shirt, shoes, coat] });
    // Recovery replays no transition callbacks: only the live one.
    expect(await transitions.receiveMessages(1)).toEqual(['Shopping -> Paid']);
    await transitions.expectNoMessage();
  });

  it('runs andThen only once the state change is stored, with the data after the events', async () => {
    start();
    const report = kit.createTestProbe<Report>();
    const ref = kit.spawn(webStoreCustomer('fsm-3', { report: report.ref }));
    ref.tell({ type: 'AddItem', item: shirt });
    ref.tell({ type: 'AddItem', item: coat });
    ref.tell({ type: 'Buy' });
    expect(await report.receiveMessage()).toEqual({ type: 'PurchaseWasMade', items: [shirt, coat] });
    const stored = await storedEvents(journal, 'fsm-3');
    expect(stored.at(-2)?.event).toEqual({ type: 'OrderExecuted' });
    expect(stored.at(-1)?.event).toMatchObject({ type: 'engram.fsm.Transition', state: 'Paid' });
  });

  it('runs andThen after the events of a stop are stored, then stops', async () => {
    start();
    const report = kit.createTestProbe<Report>();
    const ref = kit.spawn(webStoreCustomer('fsm-4', { report: report.ref }));
    ref.tell({ type: 'AddItem', item: shirt });
    ref.tell({ type: 'Leave' });
    expect(await report.receiveMessage()).toEqual({ type: 'ShoppingCardDiscarded' });
    await report.expectTerminated(ref as ActorRef<never>);
    expect((await storedEvents(journal, 'fsm-4')).map((s) => s.manifest)).toEqual(['ItemAdded', 'engram.fsm.Transition', 'OrderDiscarded']);
  });

  it('calls onTransition for goto (also to the same state), never for stay', async () => {
    start();
    type Cmd = { readonly type: 'again' } | { readonly type: 'stay' } | { readonly type: 'other' };
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      persistentFSM<Cmd, never, 'A' | 'B', null>({
        persistenceId: 'fsm-5',
        initialState: 'A',
        initialData: null,
        when: {
          A: (command, _d, { goto, stay }) => (command.type === 'again' ? goto('A') : command.type === 'other' ? goto('B') : stay()),
          B: (_c, _d, { stay }) => stay(),
        },
        applyEvent: (_e, data) => data,
        onTransition: (from, to) => probe.ref.tell(`${from} -> ${to}`),
      }),
    );
    ref.tell({ type: 'again' });
    ref.tell({ type: 'stay' });
    ref.tell({ type: 'other' });
    ref.tell({ type: 'stay' });
    expect(await probe.receiveMessages(2)).toEqual(['A -> A', 'A -> B']);
    await probe.expectNoMessage();
  });

  it('stores no transition event for a stay() that only applies events', async () => {
    start();
    const ref = kit.spawn(webStoreCustomer('fsm-6', { overrides: {} }));
    ref.tell({ type: 'AddItem', item: shirt });
    await cartOf(ref);
    // In Shopping every AddItem re-arms the timeout (forMax), which is stored; GetCurrentCart stores nothing.
    for (let i = 0; i < 3; i++) await cartOf(ref);
    expect((await storedEvents(journal, 'fsm-6')).map((s) => s.manifest)).toEqual(['ItemAdded', 'engram.fsm.Transition']);
  });

  it('gives an unhandled message to whenUnhandled, and drops it when that returns undefined too', async () => {
    start();
    const ref = kit.spawn(webStoreCustomer('fsm-7'));
    ref.tell({ type: 'Buy' }); // nobody handles Buy in LookingAround
    expect(await stateOf(ref)).toBe('LookingAround');
    expect(kit.logs.find('unhandled command')).toHaveLength(1);
    expect(await storedEvents(journal, 'fsm-7')).toEqual([]);
  });
});

describe('persistentFSM settings and transitions with bad input', () => {
  const base = {
    persistenceId: 'bad',
    initialData: 0,
    applyEvent: (_e: never, data: number) => data,
  };

  it('refuses an initialState or transient state that `when` does not define', () => {
    const when = { A: () => undefined };
    expect(() => persistentFSM<never, never, 'A', number>({ ...base, initialState: 'B' as 'A', when })).toThrow(UnknownFsmState);
    expect(() => persistentFSM<never, never, 'A', number>({ ...base, initialState: 'A', when, transientStates: ['C' as 'A'] })).toThrow(
      /transientStates names "C", which `when` does not define \(states: "A"\)/,
    );
    expect(() => persistentFSM<never, never, 'A', number>({ ...base, initialState: 'A', when, transientStates: ['A'] })).toThrow(InvalidArgument);
  });

  it('fails the actor on goto to an unknown state, naming the state', async () => {
    start();
    const ref = kit.spawn(
      persistentFSM<{ readonly type: 'to'; readonly to: string }, never, 'A', number>({
        ...base,
        persistenceId: 'fsm-bad-goto',
        initialState: 'A',
        when: { A: (command, _d, { goto }) => (command.type === 'to' ? goto(command.to as 'A') : undefined) },
      }),
    );
    ref.tell({ type: 'to', to: 'Nowhere' });
    await kit.createTestProbe().expectTerminated(ref as ActorRef<never>);
    expect(kit.logs.entries.some((e) => String((e.fields.err as Error | undefined)?.message).includes('goto named the state "Nowhere"'))).toBe(true);
  });

  it('refuses bad timeouts, timer delays and names with InvalidArgument', async () => {
    start();
    const errors: string[] = [];
    const ref = kit.spawn(
      persistentFSM<{ readonly type: 'check'; readonly replyTo: ActorRef<string[]> }, never, 'A', number>({
        ...base,
        persistenceId: 'fsm-bad-args',
        initialState: 'A',
        when: {
          A: (command, _d, { stay }) => {
            if (command.type !== 'check') return undefined;
            for (const attempt of [
              () => stay().forMax(-1),
              () => stay().forMax(Number.NaN),
              () => stay().startSingleTimer('', { type: 'check', replyTo: command.replyTo }, 10),
              () => stay().startTimerAtFixedRate('tick', { type: 'check', replyTo: command.replyTo }, 0),
            ]) {
              try {
                attempt();
              } catch (error) {
                errors.push(`${(error as Error).name}: ${(error as Error).message}`);
              }
            }
            return stay().replying(command.replyTo, errors);
          },
        },
      }),
    );
    const reply = await query(kit, ref, (replyTo: ActorRef<string[]>) => ({ type: 'check' as const, replyTo }));
    expect(reply).toEqual([
      'InvalidArgument: forMax timeoutMs must be a number >= 0, got -1',
      'InvalidArgument: forMax timeoutMs must be a number >= 0, got NaN',
      'InvalidArgument: timer name must be a non-empty string, got ""',
      'InvalidArgument: startTimerAtFixedRate intervalMs must be a number >= 1, got 0',
    ]);
  });
});
