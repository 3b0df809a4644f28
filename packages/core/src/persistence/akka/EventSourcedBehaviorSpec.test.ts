/**
 * Port of Akka's akka-persistence-typed-tests/src/test/scala/akka/persistence/typed/scaladsl/EventSourcedBehaviorSpec.scala
 * to `eventSourced`: persisting and replaying, side effects and their order, stopping, recovery
 * strategies, tags, wrapping in other behaviors, commands that arrive before recovery completed,
 * and the recovery timeout. Akka-only cases (Effect.async, receive timeouts, metadata, plugin ids,
 * FilteredPayload, tagging by state, enumerating persistence ids) are not ported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../../memory/MemoryJournal.js';
import { SnapshotSelectionCriteria } from '../../spi/SnapshotStore.js';
import type { EventSourcedSignal } from '../EventSourcedSignal.js';
import { GatedJournal, storedEvent } from '../fixtures/GatedJournal.test-support.js';
import { Recovery } from '../Recovery.js';
import {
  counted,
  counter,
  firstLogging,
  secondLogging,
  type CounterCommand,
  type CounterState,
  getValue,
  stopIt,
  type Incremented,
} from './counter.test-support.js';
import { specKit, terminated, type SpecKit, type SpecKitOptions } from './specKit.test-support.js';

let s: SpecKit;
afterEach(() => s?.kit.shutdown());

function start(options: SpecKitOptions = {}): SpecKit {
  s = specKit(options);
  return s;
}

/** A journal that already holds `count` increments of 1 for `persistenceId`. */
async function journalWith(persistenceId: string, count: number): Promise<MemoryJournal> {
  const journal = new MemoryJournal();
  const events = Array.from({ length: count }, (_, i) => storedEvent(persistenceId, i + 1, { type: 'Incremented', delta: 1 }, 'Incremented'));
  if (count > 0) await journal.writeMessages([{ persistenceId, events }]);
  return journal;
}

describe('A typed persistent actor (Akka EventSourcedBehaviorSpec)', () => {
  it('persist an event', async () => {
    start();
    const c = s.kit.spawn(counter('c1'));
    c.tell({ type: 'Increment' });
    expect(await getValue(s.kit, c)).toEqual(counted(1));
  });

  it('replay stored events', async () => {
    start();
    const c = s.kit.spawn(counter('c2'));
    for (let i = 0; i < 3; i++) c.tell({ type: 'Increment' });
    expect(await getValue(s.kit, c)).toEqual(counted(3));
    await stopIt(s.kit, c);
    const c2 = s.kit.spawn(counter('c2'));
    expect(await getValue(s.kit, c2)).toEqual(counted(3));
    c2.tell({ type: 'Increment' });
    expect(await getValue(s.kit, c2)).toEqual(counted(4));
  });

  it('handle Terminated signal', async () => {
    start();
    const c = s.kit.spawn(counter('c3'));
    c.tell({ type: 'Increment' });
    c.tell({ type: 'IncrementLater' });
    expect(await getValue(s.kit, c)).toEqual(counted(1));
    await s.kit.advance(10);
    expect(await getValue(s.kit, c)).toEqual({ value: 11, history: [0, 1] });
  });

  it('adhere default and disabled Recovery strategies', async () => {
    start();
    const first = s.kit.spawn(counter('c4', {}, { recovery: Recovery.default() }));
    for (let i = 0; i < 3; i++) first.tell({ type: 'Increment' });
    expect(await getValue(s.kit, first)).toEqual(counted(3));
    first.tell({ type: 'Increment' });
    await stopIt(s.kit, first);
    const recovering = s.kit.spawn(counter('c4', {}, { recovery: Recovery.default() }));
    expect(await getValue(s.kit, recovering)).toEqual(counted(4));
    await stopIt(s.kit, recovering);
    const disabled = s.kit.spawn(counter('c4', {}, { recovery: Recovery.none() }));
    disabled.tell({ type: 'Increment' });
    disabled.tell({ type: 'Increment' });
    expect(await getValue(s.kit, disabled)).toEqual(counted(2));
    // Recovery disabled still numbers new events after the stored ones.
    expect((await s.journal.readHighestSequenceNr('c4', 0))).toBe(6);
  });

  it('adhere Recovery strategy with SnapshotSelectionCriteria', async () => {
    start();
    const events = s.kit.createTestProbe<readonly [CounterState, Incremented]>();
    const signals = s.kit.createTestProbe<EventSourcedSignal>();
    const withCriteria = (fromSnapshot: SnapshotSelectionCriteria) =>
      counter('c5', { events: events.ref, signals: signals.ref }, {
        snapshotWhen: () => true,
        recovery: Recovery.withOptions({ fromSnapshot }),
      });
    const setup = s.kit.spawn(withCriteria(SnapshotSelectionCriteria.latest()));
    for (let i = 0; i < 3; i++) setup.tell({ type: 'Increment' });
    await events.receiveMessages(3);
    expect((await signals.receiveMessages(4)).map((sig) => sig.type)).toEqual([
      'RecoveryCompleted', 'SnapshotCompleted', 'SnapshotCompleted', 'SnapshotCompleted',
    ]);
    expect(await getValue(s.kit, setup)).toEqual(counted(3));
    await stopIt(s.kit, setup);

    // No snapshot: every event is replayed.
    const none = s.kit.spawn(withCriteria(SnapshotSelectionCriteria.none()));
    await events.expectMessage([counted(0), { type: 'Incremented', delta: 1 }]);
    await events.expectMessage([counted(1), { type: 'Incremented', delta: 1 }]);
    await events.expectMessage([counted(2), { type: 'Incremented', delta: 1 }]);
    none.tell({ type: 'Increment' });
    await events.expectMessage([counted(3), { type: 'Incremented', delta: 1 }]);
    expect(await getValue(s.kit, none)).toEqual(counted(4));
    await stopIt(s.kit, none);

    // The latest snapshot: no event is replayed.
    const latest = s.kit.spawn(withCriteria(SnapshotSelectionCriteria.latest()));
    await events.expectNoMessage();
    latest.tell({ type: 'Increment' });
    expect(await getValue(s.kit, latest)).toEqual(counted(5));
  });

  it('chainable side effects with events', async () => {
    start();
    const logging = s.kit.createTestProbe<string>();
    const c = s.kit.spawn(counter('c6', { logging: logging.ref }));
    c.tell({ type: 'IncrementTwiceAndThenLog' });
    expect(await getValue(s.kit, c)).toEqual(counted(2));
    await logging.expectMessage(firstLogging);
    await logging.expectMessage(secondLogging);
    await logging.expectNoMessage();
  });

  it('persist then stop', async () => {
    start();
    const logging = s.kit.createTestProbe<string>();
    const c = s.kit.spawn(counter('c7', { logging: logging.ref }));
    c.tell({ type: 'IncrementThenLogThenStop' });
    await logging.expectMessage(firstLogging);
    expect(await terminated(s.kit, c)).toBeUndefined();
    expect(await s.journal.readHighestSequenceNr('c7', 0)).toBe(1);
  });

  it('persist(All) then stop', async () => {
    start();
    const logging = s.kit.createTestProbe<string>();
    const c = s.kit.spawn(counter('c8', { logging: logging.ref }));
    c.tell({ type: 'IncrementTwiceThenLogThenStop' });
    await logging.expectMessage(firstLogging);
    expect(await terminated(s.kit, c)).toBeUndefined();
    expect(await s.journal.readHighestSequenceNr('c8', 0)).toBe(2);
  });

  it('persist an event thenReply', async () => {
    start();
    const c = s.kit.spawn(counter('c9'));
    const probe = s.kit.createTestProbe<'Done'>();
    c.tell({ type: 'IncrementWithConfirmation', replyTo: probe.ref });
    await probe.expectMessage('Done');
    c.tell({ type: 'IncrementWithConfirmation', replyTo: probe.ref });
    c.tell({ type: 'IncrementWithConfirmation', replyTo: probe.ref });
    await probe.expectMessage('Done');
    await probe.expectMessage('Done');
  });

  it('chainable side effects without events', async () => {
    start();
    const logging = s.kit.createTestProbe<string>();
    const c = s.kit.spawn(counter('c10', { logging: logging.ref }));
    c.tell({ type: 'EmptyEventsListAndThenLog' });
    expect(await getValue(s.kit, c)).toEqual(counted(0));
    await logging.expectMessage(firstLogging);
    expect(s.journal.writes).toHaveLength(0);
  });

  it('chainable side effects when doing nothing (Effect.none)', async () => {
    start();
    const logging = s.kit.createTestProbe<string>();
    const c = s.kit.spawn(counter('c11', { logging: logging.ref }));
    c.tell({ type: 'DoNothingAndThenLog' });
    expect(await getValue(s.kit, c)).toEqual(counted(0));
    await logging.expectMessage(firstLogging);
  });

  it('work when wrapped in other behavior', async () => {
    start();
    const behavior = Behaviors.supervise(counter('c12')).onFailure(
      SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1000, maxBackoffMs: 10_000, randomFactor: 0.1 }),
    );
    const c = s.kit.spawn(behavior);
    c.tell({ type: 'Increment' });
    expect(await getValue(s.kit, c)).toEqual(counted(1));
  });

  it('stop after logging (no persisting)', async () => {
    start();
    const logging = s.kit.createTestProbe<string>();
    const c = s.kit.spawn(counter('c13', { logging: logging.ref }));
    c.tell({ type: 'LogThenStop' });
    await logging.expectMessage(firstLogging);
    expect(await terminated(s.kit, c)).toBeUndefined();
  });

  it('tag events', async () => {
    start();
    const c = s.kit.spawn(counter('c14', {}, { tagger: () => ['tag1', 'tag2'] }));
    c.tell({ type: 'Increment' });
    expect(await getValue(s.kit, c)).toEqual(counted(1));
    expect(s.journal.writes.flatMap((w) => w.events.map((e) => [e.persistenceId, e.sequenceNr, e.tags]))).toEqual([
      ['c14', 1, ['tag1', 'tag2']],
    ]);
  });

  it('handle scheduled message arriving before recovery completed', async () => {
    const gated = new GatedJournal(await journalWith('c15', 1));
    start({ journal: gated, heldWork: () => gated.waiting });
    const c = s.kit.spawn(
      Behaviors.withTimers<CounterCommand>((timers) => {
        timers.startSingleTimer('increment', { type: 'Increment' }, 1);
        return counter('c15');
      }),
    );
    c.tell({ type: 'Increment' });
    await s.kit.settle();
    expect(gated.waiting).toBe(1);
    // The timer fires while the replay is held: its command waits for the recovery.
    await s.kit.advance(1);
    gated.openNext();
    expect(await getValue(s.kit, c)).toEqual(counted(3));
  });

  it('handle scheduled message arriving after recovery completed', async () => {
    start();
    const c = s.kit.spawn(
      Behaviors.withTimers<CounterCommand>((timers) => {
        timers.startSingleTimer('increment', { type: 'Increment' }, 200);
        return counter('c16');
      }),
    );
    c.tell({ type: 'Increment' });
    expect(await getValue(s.kit, c)).toEqual(counted(1));
    await s.kit.advance(200);
    expect(await getValue(s.kit, c)).toEqual(counted(2));
  });

  it('fail after recovery timeout', async () => {
    const gated = new GatedJournal(await journalWith('c17', 1));
    start({ journal: gated, heldWork: () => gated.waiting, persistence: { recoveryTimeoutMs: 10 } });
    const c = s.kit.spawn(counter('c17'));
    await s.kit.settle();
    await s.kit.advance(10);
    await s.kit.advance(10);
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('RecoveryTimedOut');
    expect(failure?.message).toMatch(/^recovery of persistenceId "c17" made no progress for 10 ms in phase /);
    expect(s.kit.logs.find('recovery failed', 'error')).toHaveLength(1);
    gated.openNext();
  });

  it('not wrap a failure caused by command stashed while recovering in a journal failure', async () => {
    start();
    const probe = s.kit.createTestProbe<'Done'>();
    const c = s.kit.spawn(counter('c18'));
    for (let i = 0; i <= 50; i++) {
      c.tell({ type: 'IncrementWithConfirmation', replyTo: probe.ref });
      await probe.expectMessage('Done');
    }
    await stopIt(s.kit, c);
    const c2 = s.kit.spawn(counter('c18'));
    c2.tell({ type: 'Fail' });
    const failure = await terminated(s.kit, c2);
    expect(failure?.name).toBe('TestException');
    expect(failure?.message).toBe('boom!');
  });

  it('fail fast if persistenceId is empty', async () => {
    start();
    const c = s.kit.spawn(counter(''));
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('InvalidPersistenceId');
    expect(failure?.message).toContain('needs a non-empty persistenceId');
  });
});
