import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { RetentionCriteria } from '../persistence/RetentionCriteria.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { storedEvents } from './fixtures/journal.test-support.js';
import { query } from './fixtures/query.test-support.js';
import { timerFsm, type TimerCommand } from './fixtures/timerFsm.test-support.js';
import { coat, shirt, shoes, webStoreCustomer, type Cart, type Command } from './fixtures/webStore.test-support.js';

// Akka's PersistentFSM could not snapshot (the seed's field report); here retention snapshots the
// whole FSM: state name, data, state timeout and pending timers.

let kit: ActorTestKit;
let journal: MemoryJournal;
let snapshots: MemorySnapshotStore;
afterEach(() => kit?.shutdown());

function start() {
  journal = new MemoryJournal();
  snapshots = new MemorySnapshotStore();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: snapshots } } });
}

async function latestSnapshot(persistenceId: string): Promise<{ sequenceNr: number; value: unknown } | undefined> {
  const found = await snapshots.load(persistenceId, SnapshotSelectionCriteria.latest());
  return found === undefined ? undefined : { sequenceNr: found.metadata.sequenceNr, value: JSON.parse(found.snapshot.payload as string) };
}

async function snapshotSeqs(persistenceId: string): Promise<number[]> {
  const seqs: number[] = [];
  for (let max = Infinity; ; ) {
    const found = await snapshots.load(persistenceId, SnapshotSelectionCriteria.of({ maxSequenceNr: max }));
    if (found === undefined) return seqs.reverse();
    seqs.push(found.metadata.sequenceNr);
    max = found.metadata.sequenceNr - 1;
  }
}

async function kill(ref: ActorRef<{ readonly type: 'PoisonPill' }>) {
  ref.tell({ type: 'PoisonPill' });
  await kit.createTestProbe().expectTerminated(ref as ActorRef<never>);
}

describe('persistent FSM snapshots', () => {
  it('snapshots the state name and the data, and recovers from the snapshot (PersistentFSMSpec "persist snapshot")', async () => {
    start();
    const retention = RetentionCriteria.snapshotEvery(3, 1);
    const first = kit.spawn(webStoreCustomer('s-1', { retention }));
    for (const item of [shirt, shoes, coat]) first.tell({ type: 'AddItem', item });
    first.tell({ type: 'Buy' });
    await kit.settle();
    // ItemAdded + transition for each item (6), OrderExecuted + transition (8): snapshot at 6.
    expect(await latestSnapshot('s-1')).toMatchObject({
      sequenceNr: 6,
      value: { stateName: 'Shopping', data: [shirt, shoes, coat], stateTimeoutAt: kit.clock.now() + 1000 },
    });
    await kill(first);
    const second = kit.spawn(webStoreCustomer('s-1', { retention }));
    expect(await query<Command, string>(kit, second, (replyTo) => ({ type: 'GetState', replyTo }))).toBe('Paid');
    expect(await query<Command, Cart>(kit, second, (replyTo) => ({ type: 'GetCurrentCart', replyTo }))).toEqual([shirt, shoes, coat]);
  });

  it('keeps the pending timers and the state timeout in the snapshot: with the events deleted they still fire on time', async () => {
    start();
    const t0 = kit.clock.now();
    const retention = RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot();
    const fired = kit.createTestProbe<string>();
    const first = kit.spawn(timerFsm('s-2', { fired: fired.ref, startTime: t0, retention }));
    first.tell({ type: 'start', name: 'a', delayMs: 1000 });
    first.tell({ type: 'wait', ms: 700 });
    first.tell({ type: 'start', name: 'b', delayMs: 300 });
    first.tell({ type: 'start', name: 'c', delayMs: 5000 });
    await kit.settle();
    expect(await snapshotSeqs('s-2')).toEqual([4]);
    // The events that started timer a and the state timeout are gone: only the snapshot has them.
    const stored = JSON.stringify(await storedEvents(journal, 's-2'));
    expect(stored).not.toContain('"name":"a"');
    expect(stored).not.toContain('"state":"Idle"');
    expect(stored).toContain('"name":"c"');
    expect(await latestSnapshot('s-2')).toMatchObject({
      value: {
        stateName: 'Waiting',
        stateTimeoutAt: t0 + 700,
        timers: [
          { name: 'a', fireAt: t0 + 1000 },
          { name: 'b', fireAt: t0 + 300 },
          { name: 'c', fireAt: t0 + 5000 },
        ],
      },
    });
    await kit.advance(200);
    await kill(first);
    await kit.advance(200); // down when b falls due

    const second = kit.spawn(timerFsm('s-2', { fired: fired.ref, startTime: t0, retention }));
    expect(await fired.receiveMessage()).toBe('b@400');
    await kit.advance(299);
    await fired.expectNoMessage();
    await kit.advance(1);
    expect(await fired.receiveMessage()).toBe('state-timeout@700');
    await kit.advance(300);
    expect(await fired.receiveMessage()).toBe('a@1000');
    expect(await query<TimerCommand, { state: string }>(kit, second, (replyTo) => ({ type: 'get', replyTo }))).toMatchObject({ state: 'Waiting' });
  });

  it('keeps only the latest keepNSnapshots', async () => {
    start();
    const retention = RetentionCriteria.snapshotEvery(2, 2);
    const fired = kit.createTestProbe<string>();
    const ref = kit.spawn(timerFsm('s-3', { fired: fired.ref, startTime: kit.clock.now(), retention }));
    for (let i = 0; i < 9; i++) ref.tell({ type: 'start', name: `t${i}`, delayMs: 60_000 });
    await kit.settle();
    expect(await snapshotSeqs('s-3')).toEqual([6, 8]);
  });
});
