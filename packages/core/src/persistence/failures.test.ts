import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import { account, type AccountCommand, type AccountReply } from './fixtures/account.test-support.js';
import { RecordingJournal } from './fixtures/RecordingJournal.test-support.js';
import { storedEvent } from './fixtures/GatedJournal.test-support.js';
import { PersistentActor, persistentActor } from './PersistentActor.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import { FaultInjectingSnapshotStore } from '../testkit/FaultInjectingSnapshotStore.js';

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((k) => k.shutdown()));
  kits = [];
});

function testKit(journal: Journal, name = 'test') {
  const kit = ActorTestKit.create({ name, config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
  kits.push(kit);
  return kit;
}

const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 200, maxBackoffMs: 2000, randomFactor: 0 });

function deposit(kit: ActorTestKit, ref: ActorRef<AccountCommand>, amount: number) {
  const probe = kit.createTestProbe<AccountReply>();
  ref.tell({ type: 'deposit', amount, replyTo: probe.ref });
  return probe;
}

describe('journal failure', () => {
  it('stops the actor with JournalFailure naming pid, seq and event type; backoff brings it back with what was stored', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(account('f', { onPersistFailure: backoff }), 'acc');
    await deposit(kit, ref, 10).expectMessage({ ok: true, balance: 10 });
    journal.failWrite({ nth: 1 });
    const lost = deposit(kit, ref, 5);
    await lost.expectNoMessage();
    const failure = kit.logs.find('restarting in 200 ms', 'error')[0];
    expect(failure?.fields['actor']).toBe('engram://test/user/acc');
    expect((failure?.fields['err'] as Error).message).toMatch(
      /^journal failed to persist event Deposited \(sequence nr 2\) of persistenceId "Account\|f"; the actor stops: /,
    );
    // During the backoff the actor keeps new commands and handles them after it recovered.
    const later = deposit(kit, ref, 1);
    await later.expectNoMessage();
    await kit.advance(200);
    await later.expectMessage({ ok: true, balance: 11 });
    const stored: number[] = [];
    await journal.replayMessages('Account|f', 1, Infinity, Infinity, (r) => stored.push(r.sequenceNr));
    expect(stored).toEqual([1, 2]);
  });

  it('without onPersistFailure the actor stays stopped', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(account('g'));
    journal.failWrite({ nth: 1 });
    deposit(kit, ref, 5);
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('JournalFailure');
  });

  it('a failing recovery is retried with backoff until the store answers', async () => {
    const memory = new MemoryJournal();
    await memory.writeMessages([{ persistenceId: 'Account|h', events: [storedEvent('Account|h', 1, { type: 'Deposited', amount: 3 }, 'Deposited')] }]);
    const journal = new FaultInjectingJournal(memory);
    const kit = testKit(journal);
    journal.failReplay({ times: 2 });
    const ref = kit.spawn(account('h', { onPersistFailure: backoff }));
    const probe = deposit(kit, ref, 7);
    await kit.advance(200);
    await probe.expectNoMessage();
    await kit.advance(400);
    await probe.expectMessage({ ok: true, balance: 10 });
    expect(kit.logs.find('recovery failed', 'error')).toHaveLength(2);
  });
});

describe('rejection', () => {
  it('an event that cannot be serialized is rejected: signal, no state change, no side effects; the actor goes on', async () => {
    const kit = testKit(new MemoryJournal());
    const signals: EventSourcedSignal[] = [];
    type C = { amount: unknown; replyTo: ActorRef<number> };
    const ref = kit.spawn(
      eventSourced<C, { type: 'Added'; amount: unknown }, number>({
        persistenceId: 'rej',
        emptyState: 0,
        commandHandler: (_s, c) => Effect.persist({ type: 'Added', amount: c.amount }).thenReply(c.replyTo, (s) => s),
        eventHandler: (s, e) => s + Number(e.amount),
        signalHandler: (_s, signal) => void signals.push(signal),
      }),
    );
    const probe = kit.createTestProbe<number>();
    ref.tell({ amount: 10n, replyTo: probe.ref });
    ref.tell({ amount: 2, replyTo: probe.ref });
    await probe.expectMessage(2);
    await probe.expectNoMessage();
    const rejected = signals.find((s) => s.type === 'EventRejected');
    expect(rejected).toMatchObject({ type: 'EventRejected', sequenceNr: 1, event: { type: 'Added', amount: 10n } });
    expect((rejected as { error: Error }).error.message).toBe(
      'event Added (sequence nr 1) of persistenceId "rej" was rejected and not stored: ' +
        'the json serializer cannot store it faithfully: event.amount is a bigint (10n); JSON cannot store it ' +
        '(use plain data, or an event adapter that converts it)',
    );
    expect((rejected as { error: Error }).error.cause).toMatchObject({ name: 'EventNotSerializable', path: 'event.amount' });
  });

  it('an event the store refuses (too large) is rejected, and the actor goes on', async () => {
    const kit = testKit(new MemoryJournal({ maxPayloadBytes: 34 }));
    const ref = kit.spawn(account('big'));
    await deposit(kit, ref, 1).expectMessage({ ok: true, balance: 1 });
    const note = kit.createTestProbe<AccountReply>();
    ref.tell({ type: 'deposit', amount: 10 ** 60, replyTo: note.ref });
    await note.expectNoMessage();
    await deposit(kit, ref, 2).expectMessage({ ok: true, balance: 3 });
    expect(kit.logs.find('event rejected', 'warn')).toHaveLength(1);
  });
});

describe('single writer per persistenceId', () => {
  it('a second live actor with the same persistenceId in one system fails loudly; the first goes on', async () => {
    const kit = testKit(new MemoryJournal());
    const first = kit.spawn(account('one'), 'first');
    await deposit(kit, first, 1).expectMessage({ ok: true, balance: 1 });
    const second = kit.spawn(account('one'), 'second');
    const terminated = await kit.createTestProbe<never>().expectTerminated(second);
    expect(terminated.failure?.message).toBe(
      'persistenceId "Account|one" is already used by the live actor engram://test/user/first; ' +
        'engram://test/user/second cannot write it too (one writer per persistenceId)',
    );
    await deposit(kit, first, 2).expectMessage({ ok: true, balance: 3 });
  });

  it('two systems (two processes) on one journal: the second writer fails, never writes a duplicate, the first writer is intact', async () => {
    const shared = new RecordingJournal(new MemoryJournal());
    const a = testKit(shared, 'a');
    const b = testKit(shared, 'b');
    const refA = a.spawn(account('shared'));
    await deposit(a, refA, 1).expectMessage({ ok: true, balance: 1 });
    const refB = b.spawn(account('shared'));
    await deposit(b, refB, 10).expectMessage({ ok: true, balance: 11 });
    // A does not know about B's event: its next write takes sequence nr 2 again.
    const probeA = deposit(a, refA, 100);
    const terminated = await a.createTestProbe<never>().expectTerminated(refA);
    await probeA.expectNoMessage();
    expect(terminated.failure?.name).toBe('JournalFailure');
    expect((terminated.failure?.cause as Error).name).toBe('SequenceConflict');
    const stored = await shared.stored('Account|shared');
    expect(stored.map((e) => [e.sequenceNr, e.payload])).toEqual([
      [1, '{"type":"Deposited","amount":1}'],
      [2, '{"type":"Deposited","amount":10}'],
    ]);
  });
});

describe('group commit', () => {
  it('writes of many actors in one turn go to the journal in one call; each id keeps its order', async () => {
    const journal = new RecordingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const refs = Array.from({ length: 100 }, (_, i) => kit.spawn(account(`gc${i}`)));
    await kit.settle();
    const probe = kit.createTestProbe<AccountReply>();
    for (const ref of refs) ref.tell({ type: 'deposit', amount: 1, replyTo: probe.ref });
    await probe.receiveMessages(100);
    expect(journal.calls).toHaveLength(1);
    expect(journal.calls[0]).toHaveLength(100);
    for (const ref of refs) for (const n of [2, 3]) ref.tell({ type: 'deposit', amount: n, replyTo: probe.ref });
    await probe.receiveMessages(200);
    expect(journal.calls).toHaveLength(3);
    for (let i = 0; i < 100; i++) {
      expect((await journal.stored(`Account|gc${i}`)).map((e) => e.payload)).toEqual([
        '{"type":"Deposited","amount":1}',
        '{"type":"Deposited","amount":2}',
        '{"type":"Deposited","amount":3}',
      ]);
    }
  });

  it('terminate() waits for pending writes, then closes the stores', async () => {
    const journal = new RecordingJournal(new MemoryJournal());
    const kit = testKit(journal);
    const ref = kit.spawn(account('t'));
    await kit.settle();
    ref.tell({ type: 'deposit', amount: 1, replyTo: kit.createTestProbe<AccountReply>().ref });
    await kit.shutdown();
    expect(journal.calls).toHaveLength(1);
    expect(journal.closed).toBe(1);
    expect((await journal.stored('Account|t')).map((e) => e.sequenceNr)).toEqual([1]);
  });
});

describe('failed deletes', () => {
  class Deleter extends PersistentActor<'deleteEvents' | 'deleteSnapshots', string> {
    readonly persistenceId = 'deleter';
    receiveRecover(): void {}
    receiveCommand(message: unknown): void {
      if (message === 'deleteEvents') this.deleteMessages(Infinity);
      if (message === 'deleteSnapshots') this.deleteSnapshots(SnapshotSelectionCriteria.latest());
    }
  }

  it('log a warning that names the persistenceId, as a failed snapshot save does', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const snapshots = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
    const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: snapshots } } });
    kits.push(kit);
    journal.failDelete();
    snapshots.failDelete();
    const ref = kit.spawn(persistentActor(() => new Deleter()));
    ref.tell('deleteEvents');
    ref.tell('deleteSnapshots');
    await kit.settle();
    const events = kit.logs.find('deleting events failed', 'warn');
    const snaps = kit.logs.find('deleting snapshots failed', 'warn');
    expect(events).toHaveLength(1);
    expect(snaps).toHaveLength(1);
    expect(events[0]!.fields['persistenceId']).toBe('deleter');
    expect(snaps[0]!.fields['persistenceId']).toBe('deleter');
  });
});
