/**
 * Port of Akka's akka-persistence-typed-tests/src/test/scala/akka/persistence/typed/scaladsl/EventSourcedBehaviorStashSpec.scala
 * to `eventSourced`: Effect.stash / thenUnstashAll next to the commands the engine holds back
 * while persisting, their order, many stashed commands, a full stash, and what becomes of stashed
 * commands when the actor fails (restart, resume) or its write fails (onPersistFailure backoff).
 *
 * One deliberate difference: when Akka restarts an actor after a thrown exception it drops both
 * stashes; Engram hands stashed commands back to the restarted incarnation, in order (a caller
 * whose command was accepted gets an answer). The "discard ... stash" cases assert Engram's rule.
 * Akka's PoisonPill cases become a parent stopping its child; cases about the internal GetState
 * message are not ported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import type { TestProbe } from '../../testkit/TestProbe.js';
import { Effect } from '../Effect.js';
import { eventSourced } from '../eventSourced.js';
import { specKit, terminated, TestException, type SpecKit, type SpecKitOptions } from './specKit.test-support.js';

type Ack = { readonly ack: string };

type Command =
  | { readonly type: 'Activate'; readonly id: string; readonly replyTo: ActorRef<Ack> }
  | { readonly type: 'Deactivate'; readonly id: string; readonly replyTo: ActorRef<Ack> }
  | { readonly type: 'Increment'; readonly id: string; readonly replyTo: ActorRef<Ack> }
  | { readonly type: 'UpdateValue'; readonly id: string; readonly value: number; readonly replyTo: ActorRef<Ack> }
  | { readonly type: 'GetValue'; readonly replyTo: ActorRef<State> }
  | { readonly type: 'Unhandled' }
  | { readonly type: 'Throw'; readonly id: string; readonly replyTo: ActorRef<Ack> }
  | { readonly type: 'IncrementThenThrow'; readonly id: string };

type Event =
  | { readonly type: 'Incremented'; readonly delta: number }
  | { readonly type: 'ValueUpdated'; readonly value: number }
  | { readonly type: 'Activated' }
  | { readonly type: 'Deactivated' };

interface State {
  readonly value: number;
  readonly active: boolean;
}

const ack = (id: string): Ack => ({ ack: id });

function applyEvent(state: State, event: Event): State {
  switch (event.type) {
    case 'Incremented':
      if (!state.active) throw new TestException('Incremented while inactive');
      return { value: state.value + event.delta, active: true };
    case 'ValueUpdated':
      return { ...state, value: event.value };
    case 'Activated':
      if (state.active) throw new TestException('Activated while active');
      return { ...state, active: true };
    case 'Deactivated':
      if (!state.active) throw new TestException('Deactivated while inactive');
      return { ...state, active: false };
  }
}

function active(state: State, command: Command): Effect<Event, State> {
  switch (command.type) {
    case 'Increment':
      return Effect.persist<Event>({ type: 'Incremented', delta: 1 }).thenReply(command.replyTo, () => ack(command.id));
    case 'UpdateValue':
      return Effect.persist<Event>({ type: 'ValueUpdated', value: command.value }).thenReply(command.replyTo, () => ack(command.id));
    case 'GetValue':
      return Effect.reply(command.replyTo, state);
    case 'Deactivate':
      return Effect.persist<Event>({ type: 'Deactivated' }).thenReply(command.replyTo, () => ack(command.id));
    case 'Activate':
      return Effect.reply(command.replyTo, ack(command.id));
    case 'Unhandled':
      return Effect.unhandled();
    case 'Throw':
      command.replyTo.tell(ack(command.id));
      throw new TestException('test');
    case 'IncrementThenThrow':
      return Effect.persist<Event>({ type: 'Incremented', delta: 1 }).thenRun(() => {
        throw new TestException('test');
      });
  }
}

function inactive(state: State, command: Command): Effect<Event, State> {
  switch (command.type) {
    case 'Increment':
    case 'IncrementThenThrow':
      return Effect.stash();
    case 'UpdateValue':
      return Effect.persist<Event>({ type: 'ValueUpdated', value: command.value }).thenReply(command.replyTo, () => ack(command.id));
    case 'GetValue':
      return Effect.reply(command.replyTo, state);
    case 'Deactivate':
      return Effect.reply(command.replyTo, ack(command.id));
    case 'Activate':
      return Effect.persist<Event>({ type: 'Activated' }).thenReply(command.replyTo, () => ack(command.id)).thenUnstashAll();
    case 'Unhandled':
      return Effect.unhandled();
    case 'Throw':
      command.replyTo.tell(ack(command.id));
      throw new TestException('test');
  }
}

/** Akka's counter: restarted on a thrown exception (or resumed), restarted with backoff on a storage failure. */
function counter(persistenceId: string, onFailure: SupervisorStrategy = SupervisorStrategy.restart()) {
  return Behaviors.supervise(
    eventSourced<Command, Event, State>({
      persistenceId,
      emptyState: { value: 0, active: true },
      commandHandler: (state, command) => (state.active ? active(state, command) : inactive(state, command)),
      eventHandler: applyEvent,
      onPersistFailure: SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1000, maxBackoffMs: 2000, randomFactor: 0 }),
    }),
  ).onFailure(onFailure);
}

let s: SpecKit;
let acks: TestProbe<Ack>;
afterEach(() => s?.kit.shutdown());

function start(options: SpecKitOptions = {}): SpecKit {
  s = specKit(options);
  acks = s.kit.createTestProbe<Ack>();
  return s;
}

const increment = (id: string): Command => ({ type: 'Increment', id, replyTo: acks.ref });
const deactivate = (id: string): Command => ({ type: 'Deactivate', id, replyTo: acks.ref });
const activate = (id: string): Command => ({ type: 'Activate', id, replyTo: acks.ref });
const update = (id: string, value: number): Command => ({ type: 'UpdateValue', id, value, replyTo: acks.ref });

async function getValue(ref: ActorRef<Command>): Promise<State> {
  const probe = s.kit.createTestProbe<State>();
  ref.tell({ type: 'GetValue', replyTo: probe.ref });
  return probe.receiveMessage();
}

async function expectAcks(...ids: string[]): Promise<void> {
  expect((await acks.receiveMessages(ids.length)).map((a) => a.ack)).toEqual(ids);
}

describe('A typed persistent actor that is stashing commands (Akka EventSourcedBehaviorStashSpec)', () => {
  it('stash and unstash', async () => {
    start();
    const c = s.kit.spawn(counter('c1'));
    c.tell(increment('1'));
    await expectAcks('1');
    c.tell(deactivate('2'));
    await expectAcks('2');
    c.tell(increment('3'));
    c.tell(increment('4'));
    expect(await getValue(c)).toEqual({ value: 1, active: false });
    c.tell(activate('5'));
    c.tell(increment('6'));
    await expectAcks('5', '3', '4', '6');
    expect(await getValue(c)).toEqual({ value: 4, active: true });
  });

  it('handle mix of stash, persist and unstash', async () => {
    start();
    const c = s.kit.spawn(counter('c2'));
    c.tell(increment('1'));
    await expectAcks('1');
    c.tell(deactivate('2'));
    await expectAcks('2');
    c.tell(increment('3'));
    c.tell(increment('4'));
    // UpdateValue persists while inactive (with commands stashed before it)
    c.tell(update('5', 100));
    await expectAcks('5');
    expect(await getValue(c)).toEqual({ value: 100, active: false });
    c.tell(activate('6'));
    expect(await getValue(c)).toEqual({ value: 102, active: true });
    await expectAcks('6', '3', '4');
  });

  it('unstash in right order', async () => {
    start();
    const c = s.kit.spawn(counter('c3'));
    c.tell(increment('inc-1'));
    c.tell(deactivate('deact'));
    for (const n of [2, 3, 4]) c.tell(increment(`inc-${n}`));
    c.tell(activate('act'));
    for (const n of [5, 6, 7]) c.tell(increment(`inc-${n}`));
    const finalState = await getValue(c);
    await expectAcks('inc-1', 'deact', 'act', 'inc-2', 'inc-3', 'inc-4', 'inc-5', 'inc-6', 'inc-7');
    expect(finalState.value).toBe(7);
  });

  it('handle many stashed', async () => {
    start();
    const c = s.kit.spawn(counter('c4'));
    const states = s.kit.createTestProbe<State>();
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    for (const n of range(1, 100)) c.tell(increment(`inc-1-${n}`));
    for (const n of range(1, 3)) c.tell(deactivate(`deact-2-${n}`));
    for (const n of range(1, 100)) {
      if (n % 10 === 0) c.tell({ type: 'Unhandled' });
      c.tell(increment(`inc-3-${n}`));
    }
    c.tell({ type: 'GetValue', replyTo: states.ref });
    for (const n of range(1, 5)) c.tell(update(`upd-4-${n}`, n * 1000));
    for (const n of range(1, 3)) c.tell(activate(`act-5-${n}`));
    for (const n of range(1, 100)) c.tell(increment(`inc-6-${n}`));
    c.tell({ type: 'GetValue', replyTo: states.ref });
    for (const n of range(6, 8)) c.tell(update(`upd-7-${n}`, n * 1000));
    for (const n of range(1, 3)) c.tell(deactivate(`deact-8-${n}`));
    for (const n of range(1, 100)) c.tell(increment(`inc-9-${n}`));
    for (const n of range(1, 3)) c.tell(activate(`act-10-${n}`));
    c.tell({ type: 'GetValue', replyTo: states.ref });

    const values = (await states.receiveMessages(3)).map((st) => st.value);
    expect(s.kit.logs.find('unhandled command')).toHaveLength(10);
    await expectAcks(
      ...range(1, 100).map((n) => `inc-1-${n}`),
      ...range(1, 3).map((n) => `deact-2-${n}`),
      ...range(1, 5).map((n) => `upd-4-${n}`),
      'act-5-1',
      ...range(1, 100).map((n) => `inc-3-${n}`),
      ...range(2, 3).map((n) => `act-5-${n}`),
      ...range(1, 100).map((n) => `inc-6-${n}`),
      ...range(6, 8).map((n) => `upd-7-${n}`),
      ...range(1, 3).map((n) => `deact-8-${n}`),
      'act-10-1',
      ...range(1, 100).map((n) => `inc-9-${n}`),
      ...range(2, 3).map((n) => `act-10-${n}`),
    );
    expect(values).toEqual([100, 5200, 8100]);
  });

  it('discard user stash when restarted due to thrown exception (Engram keeps it, in order)', async () => {
    start();
    const c = s.kit.spawn(counter('c5'));
    c.tell(increment('inc-1'));
    await expectAcks('inc-1');
    c.tell(deactivate('deact'));
    await expectAcks('deact');
    c.tell(increment('inc-2'));
    c.tell(increment('inc-3'));
    expect(await getValue(c)).toEqual({ value: 1, active: false });
    c.tell({ type: 'Throw', id: 'throw', replyTo: acks.ref });
    await expectAcks('throw');
    c.tell(increment('inc-4'));
    // The restarted actor recovered "inactive" and stashed inc-2 and inc-3 again, before inc-4.
    expect(await getValue(c)).toEqual({ value: 1, active: false });
    c.tell(activate('act'));
    c.tell(increment('inc-5'));
    await expectAcks('act', 'inc-2', 'inc-3', 'inc-4', 'inc-5');
    expect(await getValue(c)).toEqual({ value: 5, active: true });
  });

  it('discard internal stash when restarted due to thrown exception (Engram keeps it, in order)', async () => {
    start();
    const c = s.kit.spawn(counter('c6'));
    for (let n = 1; n <= 10; n++) c.tell(n === 3 ? { type: 'IncrementThenThrow', id: `inc-${n}` } : increment(`inc-${n}`));
    // inc-3 was stored before its side effect threw; the commands waiting behind it survive the restart.
    await expectAcks('inc-1', 'inc-2', 'inc-4', 'inc-5', 'inc-6', 'inc-7', 'inc-8', 'inc-9', 'inc-10');
    c.tell(increment('inc-11'));
    await expectAcks('inc-11');
    expect(await getValue(c)).toEqual({ value: 11, active: true });
  });

  it('discard internal stash when resumed after a thrown exception (the stashed commands keep their order)', async () => {
    start();
    const c = s.kit.spawn(counter('c7', SupervisorStrategy.resume()));
    for (let n = 1; n <= 10; n++) c.tell(n === 3 ? { type: 'IncrementThenThrow', id: `inc-${n}` } : increment(`inc-${n}`));
    c.tell(increment('inc-11'));
    await expectAcks('inc-1', 'inc-2', 'inc-4', 'inc-5', 'inc-6', 'inc-7', 'inc-8', 'inc-9', 'inc-10', 'inc-11');
    expect(await getValue(c)).toEqual({ value: 11, active: true });
  });

  it('preserve internal stash when persist failed', async () => {
    start();
    s.journal.failWrite({ persistenceId: 'fail-fifth-a', nth: 5 });
    const c = s.kit.spawn(counter('fail-fifth-a'));
    for (let n = 1; n <= 10; n++) c.tell(increment(`inc-${n}`));
    await expectAcks('inc-1', 'inc-2', 'inc-3', 'inc-4');
    await acks.expectNoMessage();
    await s.kit.advance(1000);
    await expectAcks('inc-6', 'inc-7', 'inc-8', 'inc-9', 'inc-10');
    expect(await getValue(c)).toEqual({ value: 9, active: true });
  });

  it('preserve user stash when persist failed', async () => {
    start();
    s.journal.failWrite({ persistenceId: 'fail-fifth-b', nth: 5 });
    const c = s.kit.spawn(counter('fail-fifth-b'));
    c.tell(increment('inc-1'));
    await expectAcks('inc-1');
    c.tell(deactivate('deact'));
    await expectAcks('deact');
    c.tell(increment('inc-2'));
    c.tell(increment('inc-3')); // this will fail when unstashed
    c.tell(increment('inc-4'));
    c.tell(increment('inc-5'));
    expect(await getValue(c)).toEqual({ value: 1, active: false });
    c.tell(activate('act'));
    c.tell(increment('inc-6'));
    await expectAcks('act', 'inc-2');
    await acks.expectNoMessage();
    await s.kit.advance(1000);
    // inc-3 failed; inc-4 and inc-5, unstashed before, and inc-6 are handled after the restart.
    await expectAcks('inc-4', 'inc-5', 'inc-6');
    expect(await getValue(c)).toEqual({ value: 5, active: true });
  });

  describe('a full stash', () => {
    type StringCommand = string;
    const limit = 100;

    function stashingActor(probe: ActorRef<string>) {
      return Behaviors.setup<StringCommand>((ctx) =>
        eventSourced<StringCommand, string, boolean>({
          persistenceId: 'stash-is-full',
          emptyState: false,
          commandHandler: (stashing, command) => {
            if (!stashing) {
              if (command === 'ping') return Effect.reply(probe, 'pong');
              if (command === 'start-stashing') return Effect.persist('start-stashing');
              probe.tell(command);
              return Effect.none();
            }
            if (command === 'unstash') {
              return Effect.persist('unstash')
                .thenRun(() => ctx.self.tell('done-unstashing'))
                .thenUnstashAll();
            }
            return Effect.stash();
          },
          eventHandler: (_state, event) => {
            if (event === 'start-stashing') return true;
            if (event === 'unstash') return false;
            throw new TestException(`unexpected event ${event}`);
          },
        }),
      );
    }

    it('discard when stash has reached limit with default dropped setting', async () => {
      start({ persistence: { stashCapacity: limit } });
      const probe = s.kit.createTestProbe<string>();
      const c = s.kit.spawn(stashingActor(probe.ref));
      c.tell('ping');
      await probe.expectMessage('pong');
      c.tell('start-stashing');
      for (let n = 0; n <= limit; n++) c.tell(`cmd-${n}`); // the last one overflows
      await probe.expectNoMessage();
      expect(s.kit.deadLetters.map((d) => d.message)).toEqual([`cmd-${limit}`]);
      expect(s.kit.logs.find('stash full', 'warn')).toHaveLength(1);
      // we can still unstash and continue interacting
      c.tell('unstash');
      expect(await probe.receiveMessages(limit)).toEqual(Array.from({ length: limit }, (_, n) => `cmd-${n}`));
      await probe.expectMessage('done-unstashing');
      c.tell('ping');
      await probe.expectMessage('pong');
    });

    it('fail when stash has reached limit if configured to fail', async () => {
      start({ persistence: { stashCapacity: limit, stashOverflow: 'fail' } });
      const probe = s.kit.createTestProbe<string>();
      const c = s.kit.spawn(stashingActor(probe.ref));
      c.tell('ping');
      await probe.expectMessage('pong');
      c.tell('start-stashing');
      for (let n = 0; n <= limit; n++) c.tell(`cmd-${n}`);
      const failure = await terminated(s.kit, c);
      expect(failure?.name).toBe('StashOverflow');
      expect(failure?.message).toContain(`is full (capacity ${limit})`);
    });
  });

  it('stop from PoisonPill even though user stash is not empty (a parent stops it; the stashed commands are dead letters)', async () => {
    start();
    type ParentMessage = { readonly type: 'forward'; readonly command: Command } | { readonly type: 'stopChild' };
    const children = s.kit.createTestProbe<ActorRef<Command>>();
    const parent = s.kit.spawn(
      Behaviors.setup<ParentMessage>((ctx) => {
        const child = ctx.spawn(counter('c8'), 'child');
        children.ref.tell(child);
        return Behaviors.receiveMessage((message) => {
          if (message.type === 'forward') child.tell(message.command);
          else ctx.stop(child);
        });
      }),
    );
    const c = await children.receiveMessage();
    c.tell(increment('1'));
    await expectAcks('1');
    c.tell(deactivate('2'));
    await expectAcks('2');
    c.tell(increment('3'));
    c.tell(increment('4'));
    await s.kit.settle();
    parent.tell({ type: 'stopChild' });
    expect(await terminated(s.kit, c)).toBeUndefined();
    expect(s.kit.deadLetters.map((d) => (d.message as { id?: string }).id)).toEqual(['3', '4']);
    await acks.expectNoMessage();
  });
});
