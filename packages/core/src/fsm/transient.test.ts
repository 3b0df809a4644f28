import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { RetentionCriteria } from '../persistence/RetentionCriteria.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { storedEvents } from './fixtures/journal.test-support.js';
import { query } from './fixtures/query.test-support.js';
import { timerFsm, type TimerCommand, type TimerFsmOptions } from './fixtures/timerFsm.test-support.js';

// Transient states (missing in Akka's PersistentFSM): a recovery that ends in one goes on in the
// last non-transient state before it. In the fixture, Waiting -> Working (transient) on `transient`.

let kit: ActorTestKit;
let journal: MemoryJournal;
let snapshots: MemorySnapshotStore;
let t0: number;
afterEach(() => kit?.shutdown());

function start() {
  journal = new MemoryJournal();
  snapshots = new MemorySnapshotStore();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: snapshots } } });
  t0 = kit.clock.now();
}

const spawn = (id: string, fired: ActorRef<string>, options: Partial<TimerFsmOptions> = {}) =>
  kit.spawn(timerFsm(id, { fired, startTime: t0, transientWorking: true, ...options }));
const stateOf = async (ref: ActorRef<TimerCommand>) =>
  (await query<TimerCommand, { state: string; fired: readonly string[] }>(kit, ref, (replyTo) => ({ type: 'get', replyTo })));

async function kill(ref: ActorRef<TimerCommand>) {
  ref.tell({ type: 'PoisonPill' });
  await kit.createTestProbe().expectTerminated(ref as ActorRef<never>);
}

describe('transient states', () => {
  it('are lived in while the actor runs, and never recovered into', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = spawn('tr-1', fired.ref);
    first.tell({ type: 'wait', ms: 60_000 });
    first.tell({ type: 'transient' });
    expect((await stateOf(first)).state).toBe('Working');
    await kill(first);
    const second = spawn('tr-1', fired.ref);
    expect((await stateOf(second)).state).toBe('Waiting');
    expect(kit.logs.find('recovery ended in a transient state')).toHaveLength(1);
  });

  it('recovery goes back to the earlier state with its timeout as set there (at once when it passed), keeping the events applied meanwhile', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = spawn('tr-2', fired.ref);
    first.tell({ type: 'wait', ms: 1000 });
    first.tell({ type: 'transient' });
    first.tell({ type: 'start', name: 'x', delayMs: 100 });
    await kit.advance(100);
    expect(await fired.receiveMessage()).toBe('x@100'); // an event applied in the transient state
    await kill(first);

    const second = spawn('tr-2', fired.ref);
    expect(await stateOf(second)).toEqual({ state: 'Waiting', fired: ['x@100'] });
    await kit.advance(899);
    await fired.expectNoMessage();
    await kit.advance(1);
    expect(await fired.receiveMessage()).toBe('state-timeout@1000');
    await kill(second);

    // Once the FSM stored a transition after the revert, that is where it recovers.
    const third = spawn('tr-2', fired.ref);
    expect((await stateOf(third)).state).toBe('Waiting');
    expect((await storedEvents(journal, 'tr-2')).at(-1)?.event).toMatchObject({ type: 'engram.fsm.Transition', state: 'Waiting', stateTimeoutAt: null });
    await kit.advance(10_000);
    await fired.expectNoMessage();
  });

  it('a stay() applying events in the reverted state keeps the revert across further restarts', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = spawn('tr-3', fired.ref);
    first.tell({ type: 'wait', ms: 60_000 });
    first.tell({ type: 'transient' });
    await kill(first);
    const second = spawn('tr-3', fired.ref);
    second.tell({ type: 'fired', name: 'manual' }); // stay().applying(...): no transition event
    expect(await stateOf(second)).toEqual({ state: 'Waiting', fired: ['manual@0'] });
    await kill(second);
    const third = spawn('tr-3', fired.ref);
    expect(await stateOf(third)).toEqual({ state: 'Waiting', fired: ['manual@0'] });
  });

  it('a snapshot taken in a transient state recovers into the state before it', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const retention = RetentionCriteria.snapshotEvery(2, 1);
    const first = spawn('tr-4', fired.ref, { retention });
    first.tell({ type: 'wait', ms: 60_000 });
    first.tell({ type: 'transient' }); // seq 2: the snapshot is taken in Working
    await kit.settle();
    const snapshot = await snapshots.load('tr-4', SnapshotSelectionCriteria.latest());
    expect(snapshot?.metadata.sequenceNr).toBe(2);
    expect(JSON.parse(snapshot!.snapshot.payload as string)).toMatchObject({ stateName: 'Working', stable: { stateName: 'Waiting' } });
    await kill(first);
    const second = spawn('tr-4', fired.ref, { retention });
    expect((await stateOf(second)).state).toBe('Waiting');
  });

  it('without transientStates, the same journal recovers into Working', async () => {
    start();
    const fired = kit.createTestProbe<string>();
    const first = spawn('tr-5', fired.ref, { transientWorking: false });
    first.tell({ type: 'wait', ms: 60_000 });
    first.tell({ type: 'transient' });
    await kit.settle();
    await kill(first);
    expect((await stateOf(spawn('tr-5', fired.ref, { transientWorking: false }))).state).toBe('Working');
  });
});
