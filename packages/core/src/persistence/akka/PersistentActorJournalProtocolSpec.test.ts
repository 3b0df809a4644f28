/**
 * Port of Akka's akka-persistence/src/test/scala/akka/persistence/PersistentActorJournalProtocolSpec.scala:
 * what a classic PersistentActor sends to its journal and when. The JournalPuppet becomes a
 * PuppetJournal whose writeMessages calls wait for the test, so it sees that no write is sent
 * while one is outstanding, how nested persists and many persistAsyncs are grouped, and that the
 * writes an incarnation queued die with it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import type { TestProbe } from '../../testkit/TestProbe.js';
import type { JournalFailure } from '../errors.js';
import { PersistentActor, persistentActor } from '../PersistentActor.js';
import { PuppetJournal } from './PuppetJournal.test-support.js';
import { specKit, terminated, TestException, type SpecKit } from './specKit.test-support.js';

type Command =
  | { readonly type: 'persist'; readonly id: number; readonly msgs: readonly unknown[] }
  | { readonly type: 'persistAsync'; readonly id: number; readonly msgs: readonly unknown[] }
  | { readonly type: 'multi'; readonly cmds: readonly Command[] }
  | { readonly type: 'echo'; readonly id: number }
  | { readonly type: 'fail'; readonly message: string }
  | { readonly type: 'stop' };

const Persist = (id: number, ...msgs: unknown[]): Command => ({ type: 'persist', id, msgs });
const PersistAsync = (id: number, ...msgs: unknown[]): Command => ({ type: 'persistAsync', id, msgs });
const Multi = (...cmds: Command[]): Command => ({ type: 'multi', cmds });
const Done = (id: number, sub: number) => ({ done: id, sub });

function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && 'type' in value;
}

/** Akka's actor A: persists what it is told, reports every handler to the monitor, and runs events that are commands. */
class A extends PersistentActor<Command, unknown> {
  constructor(
    readonly persistenceId: string,
    private readonly monitor: ActorRef<unknown>,
  ) {
    super();
  }

  receiveRecover(message: unknown): void {
    this.monitor.tell(message);
  }

  receiveCommand(message: Command | { readonly type: string }): void {
    if (message.type === 'multi') return (message as Extract<Command, { type: 'multi' }>).cmds.forEach((c) => this.behavior(c));
    this.behavior(message as Command);
  }

  override onPersistFailure(cause: JournalFailure, event: unknown, sequenceNr: number): void {
    this.monitor.tell({ failed: event, sequenceNr, cause: cause.name });
  }

  override postStop(): void {
    this.monitor.tell('PostStop');
  }

  private behavior(command: Command): void {
    switch (command.type) {
      case 'persist':
      case 'persistAsync': {
        let sub = 0;
        const handler = (event: unknown) => {
          this.monitor.tell(Done(command.id, ++sub));
          if (isCommand(event)) this.behavior(event);
        };
        if (command.type === 'persist') this.persistAll(command.msgs, handler);
        else this.persistAllAsync(command.msgs, handler);
        return;
      }
      case 'echo':
        return this.monitor.tell(Done(command.id, 0));
      case 'fail':
        throw new TestException(command.message);
      case 'stop':
        return this.stopSelf();
      case 'multi':
        return command.cmds.forEach((c) => this.behavior(c));
    }
  }
}

let journal: PuppetJournal;
let s: SpecKit;
let monitor: TestProbe<unknown>;

beforeEach(() => {
  journal = new PuppetJournal();
  s = specKit({ journal, heldWork: () => journal.heldWork });
  monitor = s.kit.createTestProbe<unknown>();
});

afterEach(async () => {
  journal.confirmAll();
  await s.kit.shutdown();
});

async function startActor(name: string, supervision?: SupervisorStrategy): Promise<ActorRef<Command>> {
  const behavior = persistentActor(() => new A(name, monitor.ref));
  const subject = s.kit.spawn(supervision === undefined ? behavior : Behaviors.supervise(behavior).onFailure(supervision));
  subject.tell({ type: 'echo', id: 0 });
  await monitor.expectMessage({ type: 'RecoveryCompleted' });
  await monitor.expectMessage(Done(0, 0));
  return subject;
}

/** Waits until the system is quiet and returns the events of each AtomicWrite of the one held call. */
async function expectWrite(): Promise<unknown[][]> {
  await s.kit.settle();
  const held = journal.heldEvents();
  expect(held).toHaveLength(1);
  return held[0]!;
}

async function stopAndExpectNoMoreWrites(subject: ActorRef<Command>): Promise<void> {
  const calls = journal.calls.length;
  subject.tell({ type: 'stop' });
  await monitor.expectMessage('PostStop');
  await s.kit.settle();
  expect(journal.calls).toHaveLength(calls);
}

describe("A PersistentActor's journal protocol (Akka PersistentActorJournalProtocolSpec)", () => {
  describe('not send WriteMessages while a write is still outstanding', () => {
    it('using simple persist()', async () => {
      const subject = await startActor('test-1');
      subject.tell(Persist(1, 'a-1'));
      expect(await expectWrite()).toEqual([['a-1']]);
      subject.tell(Persist(2, 'a-2'));
      await monitor.expectNoMessage();
      expect(journal.calls).toHaveLength(1);
      journal.confirm();
      await monitor.expectMessage(Done(1, 1));
      expect(await expectWrite()).toEqual([['a-2']]);
      journal.confirm();
      await monitor.expectMessage(Done(2, 1));
      await stopAndExpectNoMoreWrites(subject);
    });

    it('using nested persist()', async () => {
      const subject = await startActor('test-2');
      subject.tell(Persist(1, Persist(2, 'a-1')));
      expect(await expectWrite()).toEqual([[Persist(2, 'a-1')]]);
      subject.tell(Persist(3, 'a-2'));
      await monitor.expectNoMessage();
      expect(journal.calls).toHaveLength(1);
      journal.confirm();
      await monitor.expectMessage(Done(1, 1));
      // The nested persist goes before the command that waited.
      expect(await expectWrite()).toEqual([['a-1']]);
      journal.confirm();
      await monitor.expectMessage(Done(2, 1));
      expect(await expectWrite()).toEqual([['a-2']]);
      journal.confirm();
      await monitor.expectMessage(Done(3, 1));
      await stopAndExpectNoMoreWrites(subject);
    });

    it('using nested multiple persist()', async () => {
      const subject = await startActor('test-3');
      subject.tell(Multi(Persist(1, Persist(2, 'a-1')), Persist(3, 'a-2')));
      expect(await expectWrite()).toEqual([[Persist(2, 'a-1')], ['a-2']]);
      journal.confirm();
      await monitor.expectMessage(Done(1, 1));
      await monitor.expectMessage(Done(3, 1));
      expect(await expectWrite()).toEqual([['a-1']]);
      journal.confirm();
      await monitor.expectMessage(Done(2, 1));
      await stopAndExpectNoMoreWrites(subject);
    });

    it('using large number of persist() calls', async () => {
      const subject = await startActor('test-4');
      subject.tell(Multi(...Array.from({ length: 30 }, (_, i) => Persist(i, `a-${i}`))));
      expect(await expectWrite()).toEqual(Array.from({ length: 30 }, (_, i) => [`a-${i}`]));
      journal.confirm();
      for (let i = 0; i < 30; i++) await monitor.expectMessage(Done(i, 1));
      await stopAndExpectNoMoreWrites(subject);
    });

    it('using large number of persistAsync() calls', async () => {
      const msgs = (start: number, end: number) =>
        Array.from({ length: end - start }, (_, k) => [`a-${start + k}-1`, `a-${start + k}-2`]);
      const commands = (start: number, end: number) =>
        Array.from({ length: end - start }, (_, k) => PersistAsync(start + k, `a-${start + k}-1`, `a-${start + k}-2`));
      const subject = await startActor('test-5');
      subject.tell(PersistAsync(-1, 'a', ...commands(20, 30)));
      // Writes of one turn go out together (group commit): let the first one go out alone.
      expect(await expectWrite()).toEqual([['a', ...commands(20, 30)]]);
      subject.tell(Multi(...commands(0, 10)));
      subject.tell(Multi(...commands(10, 20)));
      await s.kit.settle();
      expect(journal.calls).toHaveLength(1);
      journal.confirm();
      for (let x = 1; x <= 11; x++) await monitor.expectMessage(Done(-1, x));
      // What waited behind the first write goes next, in order, before the writes its handlers made.
      const sent: unknown[][] = [];
      while (sent.length < 30) {
        sent.push(...(await expectWrite()));
        journal.confirm();
      }
      expect(sent.slice(0, 20)).toEqual(msgs(0, 20));
      expect(sent).toEqual([...msgs(0, 20), ...msgs(20, 30)]);
      for (let i = 0; i < 30; i++) for (const j of [1, 2]) await monitor.expectMessage(Done(i, j));
      await stopAndExpectNoMoreWrites(subject);
    });

    it('the actor fails with queued events', async () => {
      const subject = await startActor('test-6', SupervisorStrategy.restart());
      subject.tell(PersistAsync(1, 'a-1'));
      expect(await expectWrite()).toEqual([['a-1']]);
      subject.tell(PersistAsync(2, 'a-2'));
      // Besides the held write: a queued "a-2" (if the engine kept it) and the restarted incarnation's recovery.
      journal.slack = 2;
      subject.tell({ type: 'fail', message: 'K-BOOM!' });
      await monitor.expectMessage('PostStop');
      // The restarted incarnation recovers once the outstanding write landed.
      await monitor.expectNoMessage();
      journal.confirm();
      await monitor.expectMessage('a-1');
      await monitor.expectMessage({ type: 'RecoveryCompleted' });
      // "a-2" was queued by the failed incarnation: it is never sent.
      await stopAndExpectNoMoreWrites(subject);
      expect(journal.calls).toHaveLength(1);
      expect(await journal.stored('test-6')).toEqual(['a-1']);
    });

    it('the outstanding write fails: the queued events are failed, never sent, and the actor stops', async () => {
      const subject = await startActor('test-7');
      subject.tell(PersistAsync(1, 'a-1'));
      expect(await expectWrite()).toEqual([['a-1']]);
      subject.tell(PersistAsync(2, 'a-2'));
      await s.kit.settle();
      journal.fail(new TestException('database says no'));
      const failure = await terminated(s.kit, subject);
      expect(failure?.name).toBe('JournalFailure');
      expect(monitor.messages).toContainEqual({ failed: 'a-1', sequenceNr: 1, cause: 'JournalFailure' });
      expect(monitor.messages).not.toContainEqual(Done(2, 1));
      expect(journal.calls).toHaveLength(1);
      expect(await journal.stored('test-7')).toEqual([]);
    });
  });
});
