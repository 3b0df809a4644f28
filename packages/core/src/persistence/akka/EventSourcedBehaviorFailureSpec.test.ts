/**
 * Port of Akka's akka-persistence-typed-tests/src/test/scala/akka/persistence/typed/scaladsl/EventSourcedBehaviorFailureSpec.scala
 * to `eventSourced`: a failing recovery, a failing or rejected write, and user code that throws
 * (command handler, event handler, side effect, signal handler), with and without supervision.
 * Akka's ChaosJournal becomes a FaultInjectingJournal. Engram has no PostStop / PreRestart /
 * PersistFailed signals: a stop is seen by watching the actor, a restart by the next
 * RecoveryCompleted ("starting"), a persist failure by the JournalFailure the actor stops with.
 * As in Akka, a rejection is reported and the actor goes on (Akka Typed restarts it instead).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../../memory/MemoryJournal.js';
import type { TestProbe } from '../../testkit/TestProbe.js';
import { Effect } from '../Effect.js';
import { eventSourced } from '../eventSourced.js';
import type { EventSourcedSignal } from '../EventSourcedSignal.js';
import { storedEvent } from '../fixtures/GatedJournal.test-support.js';
import { specKit, storedEvents, terminated, TestException, type SpecKit, type SpecKitOptions } from './specKit.test-support.js';

/** Handles a signal before the default handling; returns true when it did. */
type ExtraSignalHandler = (signal: EventSourcedSignal, probe: ActorRef<string>) => boolean | void;

/** Akka's failingPersistentActor: commands are strings persisted as events, the state their concatenation. */
function failingPersistentActor(
  persistenceId: string,
  probe: ActorRef<string>,
  extra: ExtraSignalHandler = () => false,
  onPersistFailure?: SupervisorStrategy,
) {
  return eventSourced<string, string, string>({
    persistenceId,
    emptyState: '',
    commandHandler: (_state, cmd) => {
      if (cmd === 'wrong') throw new TestException('wrong command');
      if (cmd === 'state') return Effect.none<string, string>().thenRun((state) => probe.tell(`state ${state}`));
      probe.tell('persisting');
      return Effect.persist(cmd).thenRun(() => {
        probe.tell('persisted');
        if (cmd === 'wrong-callback') throw new TestException('wrong command');
      });
    },
    eventHandler: (state, event) => {
      if (event === 'wrong-event') throw new TestException('wrong event');
      probe.tell(event);
      return state + event;
    },
    signalHandler: (_state, signal) => {
      if (extra(signal, probe) === true) return;
      if (signal.type === 'RecoveryCompleted') probe.tell('starting');
    },
    ...(onPersistFailure === undefined ? {} : { onPersistFailure }),
  });
}

const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 10, maxBackoffMs: 100, randomFactor: 0 });

let s: SpecKit;
let probe: TestProbe<string>;
afterEach(() => s?.kit.shutdown());

function start(options: SpecKitOptions = {}): SpecKit {
  s = specKit(options);
  probe = s.kit.createTestProbe<string>();
  return s;
}

async function expectMessages(...expected: string[]): Promise<void> {
  expect(await probe.receiveMessages(expected.length)).toEqual(expected);
}

describe('A typed persistent actor (failures) (Akka EventSourcedBehaviorFailureSpec)', () => {
  it('signal RecoveryFailure when replay fails', async () => {
    start();
    s.journal.failHighestSequenceNr({ persistenceId: 'fail-recovery', times: Infinity });
    const errors: Error[] = [];
    const ref = s.kit.spawn(
      failingPersistentActor('fail-recovery', probe.ref, (signal) => {
        if (signal.type === 'RecoveryFailed') errors.push(signal.error);
      }),
    );
    const failure = await terminated(s.kit, ref);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.name).toBe('RecoveryFailed');
    expect(((errors[0] as Error & { cause: Error }).cause).name).toBe('InjectedFault');
    expect(failure?.name).toBe('RecoveryFailed');
    await probe.expectNoMessage();
  });

  it('handle exceptions from RecoveryFailed signal handler', async () => {
    start();
    s.journal.failHighestSequenceNr({ persistenceId: 'fail-recovery-twice' });
    const ref = s.kit.spawn(
      failingPersistentActor(
        'fail-recovery-twice',
        probe.ref,
        (signal) => {
          if (signal.type === 'RecoveryFailed') throw new TestException('recovery call back failure');
        },
        backoff,
      ),
    );
    await probe.expectNoMessage();
    await s.kit.advance(10);
    ref.tell('one');
    await expectMessages('starting', 'persisting', 'one', 'persisted');
  });

  it('signal RecoveryFailure when event handler throws during replay', async () => {
    const memory = new MemoryJournal();
    await memory.writeMessages([{ persistenceId: 'wrong-event-1', events: [storedEvent('wrong-event-1', 1, 'wrong-event')] }]);
    start({ journal: memory });
    const errors: Error[] = [];
    const ref = s.kit.spawn(
      failingPersistentActor('wrong-event-1', probe.ref, (signal) => {
        if (signal.type === 'RecoveryFailed') errors.push(signal.error);
      }),
    );
    const failure = await terminated(s.kit, ref);
    expect(failure?.name).toBe('RecoveryFailed');
    // The event handler's exception is the cause of an EventHandlerFailed naming the event.
    const causes = errors.map((e) => [e.name, (e.cause as Error).name, ((e.cause as Error).cause as Error).message]);
    expect(causes).toEqual([['RecoveryFailed', 'EventHandlerFailed', 'wrong event']]);
    expect(errors[0]?.message).toMatch(/^recovery of persistenceId "wrong-event-1" failed at event sequence nr 1/);
  });

  it('fail recovery if exception from RecoveryCompleted signal handler', async () => {
    start();
    const ref = s.kit.spawn(
      // Recovery fails, so the restart supervision is not used.
      Behaviors.supervise(
        failingPersistentActor('recovery-ok', probe.ref, (signal, p) => {
          if (signal.type !== 'RecoveryCompleted') return false;
          p.tell('starting');
          throw new TestException('recovery call back failure');
        }),
        // Bounded, so that a regression shows as extra restarts instead of restarting forever.
      ).onFailure(SupervisorStrategy.restart({ maxRestarts: 3 })),
    );
    await probe.expectMessage('starting');
    const failure = await terminated(s.kit, ref);
    expect(failure?.name).toBe('RecoveryFailed');
    expect(((failure as Error & { cause: Error }).cause).message).toBe('recovery call back failure');
    await probe.expectNoMessage();
  });

  it('stop when persist fails', async () => {
    start();
    s.journal.failWrite({ persistenceId: 'fail-persist-1', times: Infinity });
    const c = s.kit.spawn(failingPersistentActor('fail-persist-1', probe.ref));
    await probe.expectMessage('starting');
    c.tell('one');
    await expectMessages('persisting', 'one');
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('JournalFailure');
    // no restart
    await probe.expectNoMessage();
  });

  it('stop when persist fails, also under an outer restart supervisor', async () => {
    start();
    s.journal.failWrite({ persistenceId: 'fail-persist-3', times: Infinity });
    const c = s.kit.spawn(
      Behaviors.supervise(failingPersistentActor('fail-persist-3', probe.ref)).onFailure(SupervisorStrategy.restart({ maxRestarts: 3 })),
    );
    await probe.expectMessage('starting');
    c.tell('one');
    await expectMessages('persisting', 'one');
    expect((await terminated(s.kit, c))?.name).toBe('JournalFailure');
    await probe.expectNoMessage();
  });

  it('signal PersistFailure when persist fails (the JournalFailure names the event)', async () => {
    start();
    s.journal.failWrite({ persistenceId: 'fail-persist-2', times: Infinity });
    const c = s.kit.spawn(failingPersistentActor('fail-persist-2', probe.ref));
    await probe.expectMessage('starting');
    c.tell('one');
    await expectMessages('persisting', 'one');
    const failure = await terminated(s.kit, c);
    expect(failure?.message).toMatch(
      /^journal failed to persist event string \(sequence nr 1\) of persistenceId "fail-persist-2"; the actor stops: /,
    );
  });

  it('restart with backoff', async () => {
    start();
    s.journal.failWrite({ persistenceId: 'fail-first-2', times: 2 });
    const c = s.kit.spawn(failingPersistentActor('fail-first-2', probe.ref, undefined, backoff));
    await probe.expectMessage('starting');
    // fail
    c.tell('one');
    await expectMessages('persisting', 'one');
    await probe.expectNoMessage();
    await s.kit.advance(10);
    await probe.expectMessage('starting');
    // fail
    c.tell('two');
    await expectMessages('persisting', 'two');
    await s.kit.advance(20);
    await probe.expectMessage('starting');
    // work!
    c.tell('three');
    await expectMessages('persisting', 'three', 'persisted');
    // no restart; the failed writes changed nothing
    c.tell('state');
    await expectMessages('state three');
    await probe.expectNoMessage();
    expect(await storedEvents(s.journal, 'fail-first-2')).toEqual(['three']);
  });

  it('restart with backoff for recovery', async () => {
    start();
    s.journal.failHighestSequenceNr({ persistenceId: 'fail-recovery-once' });
    s.kit.spawn(failingPersistentActor('fail-recovery-once', probe.ref, undefined, backoff));
    // First time fails, second time works and signals RecoveryCompleted.
    await probe.expectNoMessage();
    await s.kit.advance(10);
    await probe.expectMessage('starting');
    await probe.expectNoMessage();
  });

  it('handles rejections (reported; no state change, no side effects; the actor goes on)', async () => {
    start();
    s.journal.rejectWrite({ persistenceId: 'reject-first' });
    const c = s.kit.spawn(
      failingPersistentActor('reject-first', probe.ref, (signal, p) => {
        if (signal.type === 'EventRejected') p.tell(`rejected ${String(signal.event)}`);
      }),
    );
    await probe.expectMessage('starting');
    c.tell('one');
    await expectMessages('persisting', 'one', 'rejected one');
    c.tell('two');
    await expectMessages('persisting', 'two', 'persisted');
    c.tell('state');
    await expectMessages('state two');
    await probe.expectNoMessage();
    expect(await storedEvents(s.journal, 'reject-first')).toEqual(['two']);
  });

  it('stop (default supervisor strategy) if command handler throws', async () => {
    start();
    const c = s.kit.spawn(failingPersistentActor('wrong-command-1', probe.ref));
    await probe.expectMessage('starting');
    c.tell('wrong');
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('TestException');
  });

  it('restart supervisor strategy if command handler throws', async () => {
    start();
    const c = s.kit.spawn(
      Behaviors.supervise(failingPersistentActor('wrong-command-2', probe.ref)).onFailure(TestException, SupervisorStrategy.restart()),
    );
    await probe.expectMessage('starting');
    c.tell('wrong');
    await probe.expectMessage('starting');
    c.tell('one');
    await expectMessages('persisting', 'one', 'persisted');
  });

  it('stop (default supervisor strategy) if side effect callback throws', async () => {
    start();
    const c = s.kit.spawn(failingPersistentActor('wrong-command-3', probe.ref));
    await probe.expectMessage('starting');
    c.tell('wrong-callback');
    await expectMessages('persisting', 'wrong-callback', 'persisted');
    expect((await terminated(s.kit, c))?.name).toBe('TestException');
    // The side effect ran after the event was stored.
    expect(await storedEvents(s.journal, 'wrong-command-3')).toEqual(['wrong-callback']);
  });

  it('stop (default supervisor strategy) if signal handler throws', async () => {
    start();
    s.journal.rejectWrite({ persistenceId: 'wrong-signal-handler' });
    const c = s.kit.spawn(
      failingPersistentActor('wrong-signal-handler', probe.ref, (signal) => {
        if (signal.type === 'EventRejected') throw new TestException('from signal');
      }),
    );
    await probe.expectMessage('starting');
    c.tell('one');
    await expectMessages('persisting', 'one');
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('TestException');
    expect(failure?.message).toBe('from signal');
  });

  it('not accept wrong event, before persisting it', async () => {
    start();
    const c = s.kit.spawn(failingPersistentActor('wrong-event-2', probe.ref));
    await probe.expectMessage('starting');
    // event handler will throw for this event
    c.tell('wrong-event');
    await probe.expectMessage('persisting');
    // but not "persisted"; Engram names the event around the handler's exception
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('EventHandlerFailed');
    expect((failure?.cause as Error).name).toBe('TestException');
    await probe.expectNoMessage();
    expect(s.journal.writes).toHaveLength(0);
    // Nothing unreadable was stored: the entity still recovers.
    const again = s.kit.spawn(failingPersistentActor('wrong-event-2', probe.ref));
    await probe.expectMessage('starting');
    again.tell('one');
    await expectMessages('persisting', 'one', 'persisted');
  });

  it('refuse to persist from a thenRun side effect, with IllegalPersistenceOperation (never a hang)', async () => {
    start();
    const c = s.kit.spawn(
      eventSourced<string, string, string>({
        persistenceId: 'persist-in-then-run',
        emptyState: '',
        commandHandler: (_state, cmd) => Effect.persist(cmd).thenRun(() => Effect.persist(`${cmd}-again`) as unknown as void),
        eventHandler: (state, event) => state + event,
      }),
    );
    c.tell('one');
    const failure = await terminated(s.kit, c);
    expect(failure?.name).toBe('IllegalPersistenceOperation');
    expect(failure?.message).toContain('persisting from thenRun is not allowed');
    expect(await storedEvents(s.journal, 'persist-in-then-run')).toEqual(['one']);
  });

  it('refuse onPersistFailure with a resume strategy when the behavior is created', () => {
    let error: unknown;
    try {
      failingPersistentActor('resume', undefined as unknown as ActorRef<string>, undefined, SupervisorStrategy.resume());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).not.toBe('Error');
    expect((error as Error).message).toContain('onPersistFailure');
    expect((error as Error).message).toContain('resume');
  });
});
