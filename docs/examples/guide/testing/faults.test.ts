import { JournalFailure, MemoryJournal, MemorySnapshotStore, PersistenceQuery, RecoveryFailed, SnapshotSelectionCriteria } from '@engram/core';
import { ActorTestKit, EventSourcedBehaviorTestKit, FaultInjectingJournal, FaultInjectingSnapshotStore, InjectedFault } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { counter, type CounterCommand, type CounterEvent } from '../getting-started/counter.js';
import { stock, type StockCommand, type StockEvent } from '../snapshots/stock.js';
import { account } from '../../supervision/account.js';

let current: ActorTestKit | undefined;
afterEach(async () => {
  await current?.shutdown();
  current = undefined;
});

function start(options: { readonly journal?: FaultInjectingJournal; readonly snapshots?: FaultInjectingSnapshotStore; readonly random?: () => number }) {
  const created = ActorTestKit.create({
    config: { persistence: { journal: options.journal ?? new MemoryJournal(), snapshotStore: options.snapshots ?? new MemorySnapshotStore() } },
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  current = created;
  return created;
}

describe('FaultInjectingJournal: storage that breaks when the test says so', () => {
  it('failWrite: a storage failure stops the writer; restartWithBackoff brings it back (random: the jitter)', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    // account() restarts with backoff from 1 s, randomFactor 0.5; random 1 makes the delay 1.5 s.
    const kit = start({ journal, random: () => 1 });
    const alice = kit.spawn(account('alice'));
    const replies = kit.createTestProbe<number>();
    alice.tell({ type: 'deposit', amount: 10, replyTo: replies.ref });
    await replies.expectMessage(10);

    journal.failWrite({ persistenceId: 'Account|alice' });
    alice.tell({ type: 'deposit', amount: 5, replyTo: replies.ref });
    await replies.expectNoMessage(); // not stored, so never acknowledged
    expect(kit.logs.find('failed; restarting in 1500 ms (restart 1 with backoff)', 'error')).toHaveLength(1);
    const failure = kit.logs.find('restart 1 with backoff')[0]?.fields['err'];
    expect(failure).toBeInstanceOf(JournalFailure);
    expect((failure as JournalFailure).cause).toBeInstanceOf(InjectedFault);

    alice.tell({ type: 'balance', replyTo: replies.ref }); // kept until the actor is back
    await kit.advance(1499);
    await replies.expectNoMessage();
    await kit.advance(1);
    await replies.expectMessage(10);
  });

  it('failWrite options: nth, times, error; clearFaults', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = start({ journal });
    const replies = kit.createTestProbe<number>();
    journal.failWrite({ nth: 2, times: Infinity, error: new Error('disk full') }); // from the 2nd write on, until cleared
    const visits = kit.spawn(counter('visits'));
    visits.tell({ type: 'increment', by: 1, replyTo: replies.ref });
    visits.tell({ type: 'increment', by: 1, replyTo: replies.ref });
    await replies.expectMessage(1);
    const { failure } = await kit.createTestProbe().expectTerminated(visits);
    expect(failure?.message).toContain('journal failed to persist event Incremented (sequence nr 2) of persistenceId "Counter|visits"; the actor stops: disk full');

    const again = kit.spawn(counter('visits'));
    again.tell({ type: 'increment', by: 1, replyTo: replies.ref });
    await kit.createTestProbe().expectTerminated(again); // still failing
    journal.clearFaults();
    kit.spawn(counter('visits')).tell({ type: 'increment', by: 1, replyTo: replies.ref });
    await replies.expectMessage(2);
    expect(journal.writes.map((write) => write.events[0]?.sequenceNr)).toEqual([1, 2]); // what reached the wrapped journal
  });

  it('rejectWrite: one write refused, the actor is told and goes on', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = start({ journal });
    journal.rejectWrite({ persistenceId: 'Counter|visits' });
    const visits = kit.spawn(counter('visits'));
    const replies = kit.createTestProbe<number>();
    visits.tell({ type: 'increment', by: 1, replyTo: replies.ref }); // rejected: no reply
    visits.tell({ type: 'increment', by: 1, replyTo: replies.ref });
    await replies.expectMessage(1);
    expect(kit.logs.find('event rejected', 'warn')).toHaveLength(1);
  });

  it('failReplay (afterEvents) and failHighestSequenceNr: recovery fails with RecoveryFailed', async () => {
    // The EventSourcedBehaviorTestKit's stores are fault-injecting too, and it restarts the actor.
    const visits = await EventSourcedBehaviorTestKit.create<CounterCommand, CounterEvent, number>(counter('visits'));
    try {
      for (let i = 0; i < 3; i++) await visits.runCommand<number>((replyTo) => ({ type: 'increment', by: 1, replyTo }));
      visits.journal.failReplay({ afterEvents: 2 });
      await expect(visits.restart()).rejects.toThrow('is not running');
      visits.journal.failHighestSequenceNr();
      await expect(visits.restart()).rejects.toThrow('is not running');
      const failures = visits.testKit.logs.find('recovery failed', 'error').map((entry) => entry.fields['err']);
      expect(failures).toEqual([expect.any(RecoveryFailed), expect.any(RecoveryFailed)]);
      expect((await visits.restart()).state).toBe(3); // no fault left
    } finally {
      await visits.shutdown();
    }
  });

  it('failDelete: deleting events fails, logged, the actor goes on; reader: queries pass through', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = start({ journal });
    journal.failDelete();
    const bolts = kit.spawn(stock('bolt')); // deletes events up to 100 after its 3rd retention snapshot
    for (let i = 0; i < 300; i++) bolts.tell({ type: 'receive', quantity: 1 });
    await kit.settle();
    expect(kit.logs.find('deleting events failed', 'warn')).toHaveLength(1);
    const sequenceNrs: number[] = [];
    for await (const envelope of PersistenceQuery.get(kit.system).readJournal().currentEventsByPersistenceId('Stock|bolt', 1, 1)) {
      sequenceNrs.push(envelope.sequenceNr);
    }
    expect(sequenceNrs).toEqual([1]); // nothing was deleted
  });
});

describe('FaultInjectingSnapshotStore', () => {
  it('failSave: the snapshot is not saved, the actor goes on; saves lists what reached the store', async () => {
    const snapshots = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
    const kit = start({ snapshots });
    snapshots.failSave({ persistenceId: 'Stock|bolt' }); // the first one, at 100
    const bolts = kit.spawn(stock('bolt'));
    for (let i = 0; i < 200; i++) bolts.tell({ type: 'receive', quantity: 1 });
    await kit.settle();
    expect(kit.logs.find('saving a snapshot failed', 'warn').map((entry) => entry.fields['sequenceNr'])).toEqual([100]);
    expect(snapshots.saves.map((save) => save.metadata.sequenceNr)).toEqual([200]);
  });

  it('failDelete: deleting old snapshots fails; failLoad: recovery fails; clearFaults', async () => {
    const bolts = await EventSourcedBehaviorTestKit.create<StockCommand, StockEvent, number>(stock('bolt'));
    try {
      bolts.snapshotStore.failDelete();
      for (let i = 0; i < 300; i++) bolts.ref.tell({ type: 'receive', quantity: 1 });
      await bolts.testKit.settle();
      expect(bolts.testKit.logs.find('deleting snapshots failed', 'warn')).toHaveLength(1);

      bolts.snapshotStore.failLoad({ error: new Error('snapshot file unreadable'), times: 2 });
      bolts.snapshotStore.clearFaults(); // changed our mind: no fault is pending now
      expect((await bolts.restart()).state).toBe(300);
      bolts.snapshotStore.failLoad({ error: new Error('snapshot file unreadable') });
      await expect(bolts.restart()).rejects.toThrow('is not running');
      expect(bolts.testKit.logs.find('recovery failed', 'error').map((entry) => (entry.fields['err'] as Error).message)).toEqual([
        'recovery of persistenceId "Stock|bolt" failed: snapshot file unreadable',
      ]);
    } finally {
      await bolts.shutdown();
    }
  });

  it('InjectedFault names the fault, the persistenceId and the operation', async () => {
    const snapshots = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
    snapshots.failLoad();
    const error = await snapshots.load('Stock|bolt', SnapshotSelectionCriteria.latest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InjectedFault);
    expect([(error as InjectedFault).fault, (error as InjectedFault).persistenceId]).toEqual(['failLoad', 'Stock|bolt']);
    expect((error as Error).message).toBe(
      'injected fault failLoad for persistenceId "Stock|bolt": the 1st matching snapshot-store operation, load, failed',
    );
  });
});
