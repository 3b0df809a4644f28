import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { TestProbe } from '../testkit/TestProbe.js';
import { storedEvents } from './fixtures/journal.test-support.js';
import { query } from './fixtures/query.test-support.js';
import { timerFsm, type TimerCommand } from './fixtures/timerFsm.test-support.js';
import { shirt, webStoreCustomer, type Command, type Report } from './fixtures/webStore.test-support.js';

// State timeouts and named timers on the manual clock, and what becomes of them when the actor
// stops (the process dies) and a new incarnation recovers later: Akka #19688 fixed.

let kit: ActorTestKit;
let journal: MemoryJournal;
let t0: number;
afterEach(() => kit?.shutdown());

function start() {
  journal = new MemoryJournal();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
  t0 = kit.clock.now();
}

const elapsed = () => kit.clock.now() - t0;

async function kill(ref: ActorRef<{ readonly type: 'PoisonPill' } | never>) {
  (ref as ActorRef<{ readonly type: 'PoisonPill' }>).tell({ type: 'PoisonPill' });
  await kit.createTestProbe().expectTerminated(ref as ActorRef<never>);
}

describe('state timeouts (forMax)', () => {
  it('sends StateTimeout after forMax in the state', async () => {
    start();
    const transitions = kit.createTestProbe<string>();
    const report = kit.createTestProbe<Report>();
    const ref = kit.spawn(webStoreCustomer('t-1', { transitions: transitions.ref, report: report.ref }));
    ref.tell({ type: 'AddItem', item: shirt });
    expect(await transitions.receiveMessage()).toBe('LookingAround -> Shopping');
    await kit.advance(999);
    await transitions.expectNoMessage();
    await kit.advance(1);
    expect(await transitions.receiveMessage()).toBe('Shopping -> Inactive');
    await kit.advance(2000);
    expect(await report.receiveMessage()).toEqual({ type: 'ShoppingCardDiscarded' });
    await report.expectTerminated(ref as ActorRef<never>);
  });

  it('fires at its stored deadline after a restart: not never, not at once, not forMax after the restart', async () => {
    start();
    const first = kit.spawn(webStoreCustomer('t-2'));
    first.tell({ type: 'AddItem', item: shirt });
    await kit.advance(600);
    await kill(first);
    await kit.advance(200); // the actor is down for 200 ms

    const transitions = kit.createTestProbe<string>();
    const second = kit.spawn(webStoreCustomer('t-2', { transitions: transitions.ref }));
    expect(await query<Command, string>(kit, second, (replyTo) => ({ type: 'GetState', replyTo }))).toBe('Shopping');
    await kit.advance(199);
    await transitions.expectNoMessage();
    await kit.advance(1);
    expect(await transitions.receiveMessage()).toBe('Shopping -> Inactive');
    expect(elapsed()).toBe(1000);

    // Akka's spec goes on: the next state's timeout (2 s) also survives a restart.
    await kit.advance(600);
    await kill(second);
    const report = kit.createTestProbe<Report>();
    const third = kit.spawn(webStoreCustomer('t-2', { report: report.ref }));
    expect(await query<Command, string>(kit, third, (replyTo) => ({ type: 'GetState', replyTo }))).toBe('Inactive');
    await kit.advance(1399);
    await report.expectNoMessage();
    await kit.advance(1);
    expect(await report.receiveMessage()).toEqual({ type: 'ShoppingCardDiscarded' });
    expect(elapsed()).toBe(3000);
  });

  it('fires at once after a recovery that comes after its deadline', async () => {
    start();
    const first = kit.spawn(webStoreCustomer('t-3'));
    first.tell({ type: 'AddItem', item: shirt });
    await kit.advance(500);
    await kill(first);
    await kit.advance(10_000);

    const transitions = kit.createTestProbe<string>();
    kit.spawn(webStoreCustomer('t-3', { transitions: transitions.ref }));
    // No clock movement: the overdue timeout is handled as soon as recovery completes.
    expect(await transitions.receiveMessage()).toBe('Shopping -> Inactive');
  });

  it('is sent once: stay() after it ends the timeout, also across a restart', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const ref = kit.spawn(timerFsm('t-4', { fired: fired.ref, startTime: t0 }));
    ref.tell({ type: 'wait', ms: 100 });
    await kit.advance(100);
    expect(await fired.receiveMessage()).toBe('state-timeout@100');
    await kit.advance(1000);
    await fired.expectNoMessage();
    await kill(ref);
    kit.spawn(timerFsm('t-4', { fired: fired.ref, startTime: t0 }));
    await kit.advance(1000);
    await fired.expectNoMessage();
  });

  it('keeps running through stay(); stay().forMax re-arms it; forMax(Infinity) cancels it', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const ref = kit.spawn(timerFsm('t-5', { fired: fired.ref, startTime: t0 }));
    ref.tell({ type: 'wait', ms: 100 });
    await kit.advance(50);
    ref.tell({ type: 'poke' });
    await kit.advance(50);
    expect(await fired.receiveMessage()).toBe('state-timeout@100');

    ref.tell({ type: 'extend', ms: 100 });
    await kit.advance(60);
    ref.tell({ type: 'extend', ms: 100 });
    await kit.advance(99);
    await fired.expectNoMessage();
    await kit.advance(1);
    expect(await fired.receiveMessage()).toBe('state-timeout@260');

    ref.tell({ type: 'extend', ms: 100 });
    await kit.advance(50);
    ref.tell({ type: 'extend', ms: Infinity });
    await kit.advance(10_000);
    await fired.expectNoMessage();
  });

  it('belongs to its state: a goto without forMax leaves no timeout behind', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const ref = kit.spawn(timerFsm('t-6', { fired: fired.ref, startTime: t0 }));
    ref.tell({ type: 'wait', ms: 100 });
    ref.tell({ type: 'transient' }); // Waiting -> Working, no forMax
    await kit.advance(1000);
    expect(await query<TimerCommand, { state: string }>(kit, ref, (replyTo) => ({ type: 'get', replyTo }))).toMatchObject({ state: 'Working' });
    await fired.expectNoMessage();
  });
});

describe('named timers', () => {
  function timers(id: string, probe: TestProbe<string>) {
    return kit.spawn(timerFsm(id, { fired: probe.ref, startTime: t0 }));
  }

  it('a single timer fires after its delay, and at its stored time after a restart', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = timers('n-1', fired);
    first.tell({ type: 'start', name: 'a', delayMs: 1000 });
    first.tell({ type: 'start', name: 'b', delayMs: 300 });
    await kit.advance(300);
    expect(await fired.receiveMessage()).toBe('b@300');
    await kit.advance(400);
    await kill(first);
    await kit.advance(100);

    const second = timers('n-1', fired);
    expect(await query<TimerCommand, boolean>(kit, second, (replyTo) => ({ type: 'active', name: 'a', replyTo }))).toBe(true);
    await kit.advance(199);
    await fired.expectNoMessage();
    await kit.advance(1);
    expect(await fired.receiveMessage()).toBe('a@1000');
    // b fired before the restart and was handled: it does not fire again.
    await kit.advance(5000);
    await fired.expectNoMessage();
    expect(await query<TimerCommand, { fired: readonly string[] }>(kit, second, (replyTo) => ({ type: 'get', replyTo }))).toMatchObject({
      fired: ['b@300', 'a@1000'],
    });
  });

  it('a timer that fell due while the actor was down fires at once after recovery', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = timers('n-2', fired);
    first.tell({ type: 'start', name: 'a', delayMs: 100 });
    await kit.settle();
    await kill(first);
    await kit.advance(5000);
    timers('n-2', fired);
    expect(await fired.receiveMessage()).toBe('a@5000');
  });

  it('a timer message no state handles is used up all the same: it does not fire again after a restart', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = timers('n-3', fired);
    first.tell({ type: 'start', name: 'a', delayMs: 100, unhandled: true });
    await kit.advance(100);
    expect(kit.logs.find('unhandled timer message')).toHaveLength(1);
    expect((await storedEvents(journal, 'n-3')).at(-1)?.event).toMatchObject({ type: 'engram.fsm.Transition', fired: 'a' });
    await kill(first);
    const second = timers('n-3', fired);
    expect(await query<TimerCommand, boolean>(kit, second, (replyTo) => ({ type: 'active', name: 'a', replyTo }))).toBe(false);
    await kit.advance(1000);
    expect(kit.logs.find('unhandled timer message')).toHaveLength(1);
  });

  it('cancelTimer stops it for good, also after a restart; starting a name again replaces the timer', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = timers('n-4', fired);
    first.tell({ type: 'start', name: 'a', delayMs: 100 });
    first.tell({ type: 'cancel', name: 'a' });
    first.tell({ type: 'start', name: 'b', delayMs: 100 });
    first.tell({ type: 'start', name: 'b', delayMs: 500 });
    await kit.advance(100);
    await fired.expectNoMessage();
    await kill(first);
    const second = timers('n-4', fired);
    expect(await query<TimerCommand, boolean>(kit, second, (replyTo) => ({ type: 'active', name: 'a', replyTo }))).toBe(false);
    await kit.advance(399);
    await fired.expectNoMessage();
    await kit.advance(1);
    expect(await fired.receiveMessage()).toBe('b@500');
    await kit.advance(5000);
    await fired.expectNoMessage();
  });

  it('a fixed-rate timer keeps its cadence across a restart and does not make up ticks missed while down', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = timers('n-5', fired);
    first.tell({ type: 'start', name: 'tick', delayMs: 1000, repeat: true });
    await kit.advance(2500);
    expect(await fired.receiveMessages(2)).toEqual(['tick@1000', 'tick@2000']);
    await kill(first);
    await kit.advance(1800); // down over the ticks at 3000 and 4000

    timers('n-5', fired);
    await kit.settle();
    await fired.expectNoMessage();
    await kit.advance(699);
    await fired.expectNoMessage();
    await kit.advance(1);
    expect(await fired.receiveMessage()).toBe('tick@5000');
    await kit.advance(1000);
    expect(await fired.receiveMessage()).toBe('tick@6000');
    // Repeating ticks store nothing of their own: only the events their handler applies.
    expect((await storedEvents(journal, 'n-5')).filter((s) => s.manifest === 'engram.fsm.Transition')).toHaveLength(1);
  });
});
