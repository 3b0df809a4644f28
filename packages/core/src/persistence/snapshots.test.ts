import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { SnapshotSelectionCriteria, type SnapshotStore } from '../spi/SnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingSnapshotStore } from '../testkit/FaultInjectingSnapshotStore.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import { account, type AccountCommand, type AccountEvent, type AccountReply, type AccountState } from './fixtures/account.test-support.js';
import { EventSourcedBehaviorTestKit } from '../testkit/EventSourcedBehaviorTestKit.js';
import type { InspectionEvent } from './Inspection.js';
import { RetentionCriteria } from './RetentionCriteria.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

async function deposits(ref: ActorRef<AccountCommand>, count: number) {
  const probe = kit.createTestProbe<AccountReply>();
  for (let i = 0; i < count; i++) ref.tell({ type: 'deposit', amount: 1, replyTo: probe.ref });
  await probe.receiveMessages(count);
  await kit.settle();
}

async function snapshotSeqs(store: MemorySnapshotStore | FaultInjectingSnapshotStore, id: string): Promise<number[]> {
  const seqs: number[] = [];
  for (let max = Infinity; ; ) {
    const found = await store.load(id, SnapshotSelectionCriteria.of({ maxSequenceNr: max }));
    if (found === undefined) return seqs.reverse();
    seqs.push(found.metadata.sequenceNr);
    max = found.metadata.sequenceNr - 1;
  }
}

describe('snapshots and retention', () => {
  it('snapshotEvery(n, keep) snapshots every n events and keeps the latest `keep`', async () => {
    const snapshotStore = new MemorySnapshotStore();
    kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore } } });
    const signals: string[] = [];
    const ref = kit.spawn(
      account('r', {
        retention: RetentionCriteria.snapshotEvery(3, 2),
        signalHandler: (_s, sig) => void signals.push(sig.type),
      }),
    );
    await deposits(ref, 10);
    expect(await snapshotSeqs(snapshotStore, 'Account|r')).toEqual([6, 9]);
    expect(signals.filter((s) => s === 'SnapshotCompleted')).toHaveLength(3);
    expect(signals).toContain('DeleteSnapshotsCompleted');
  });

  it('withDeleteEventsOnSnapshot also deletes the events older than the kept snapshots; recovery is unchanged', async () => {
    const k = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(
      account('d', { retention: RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot() }),
    );
    try {
      for (let i = 0; i < 7; i++) await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 1, replyTo }));
      const stored: number[] = [];
      await k.journal.replayMessages('Account|d', 1, Infinity, Infinity, (e) => stored.push(e.sequenceNr));
      expect(stored).toEqual([5, 6, 7]);
      expect(await snapshotSeqs(k.snapshotStore, 'Account|d')).toEqual([6]);
      const inspected: InspectionEvent[] = [];
      k.persistence.inspect((e) => inspected.push(e));
      expect((await k.restart()).state).toEqual({ balance: 7, closed: false });
      expect(inspected).toMatchObject([{ type: 'RecoveryCompleted', fromSnapshot: 6, eventsReplayed: 1, sequenceNr: 7 }]);
    } finally {
      await k.shutdown();
    }
  });

  it('the state recovered from snapshot and later events equals the state before the restart', async () => {
    const k = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(
      account('s', { retention: RetentionCriteria.snapshotEvery(4, 1) }),
    );
    try {
      let before: AccountState | undefined;
      for (let i = 1; i <= 10; i++) {
        before = (await k.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: i, replyTo }))).state;
      }
      expect((await k.restart()).state).toEqual(before);
      expect(before).toEqual({ balance: 55, closed: false });
    } finally {
      await k.shutdown();
    }
  });

  it('snapshotWhen snapshots after the events it selects', async () => {
    const snapshotStore = new MemorySnapshotStore();
    kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore } } });
    const ref = kit.spawn(account('w', { snapshotWhen: (state) => state.balance % 5 === 0 }));
    await deposits(ref, 11);
    expect(await snapshotSeqs(snapshotStore, 'Account|w')).toEqual([5, 10]);
  });

  it('commands wait while a retention snapshot is being saved', async () => {
    const inner = new MemorySnapshotStore();
    const gates: (() => void)[] = [];
    const snapshotStore: SnapshotStore = {
      load: (id, criteria) => inner.load(id, criteria),
      save: async (metadata, snapshot) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        return inner.save(metadata, snapshot);
      },
      delete: (metadata) => inner.delete(metadata),
      deleteMatching: (id, criteria) => inner.deleteMatching(id, criteria),
    };
    kit = ActorTestKit.create({
      config: { persistence: { journal: new MemoryJournal(), snapshotStore } },
      heldWork: () => gates.length,
    });
    const ref = kit.spawn(account('b', { retention: RetentionCriteria.snapshotEvery(2, 1) }));
    const probe = kit.createTestProbe<AccountReply>();
    for (const amount of [1, 2, 3]) ref.tell({ type: 'deposit', amount, replyTo: probe.ref });
    expect(await probe.receiveMessages(1)).toEqual([{ ok: true, balance: 1 }]);
    // Event 2 is stored and its snapshot is being saved: its reply and command 3 wait for the save.
    await probe.expectNoMessage();
    expect(gates).toHaveLength(1);
    gates.shift()!();
    expect(await probe.receiveMessages(2)).toEqual([
      { ok: true, balance: 3 },
      { ok: true, balance: 6 },
    ]);
  });

  it('a failed snapshot save is signalled and the actor goes on', async () => {
    const snapshotStore = new FaultInjectingSnapshotStore(new MemorySnapshotStore());
    kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore } } });
    const signals: EventSourcedSignal[] = [];
    snapshotStore.failSave({ nth: 1 });
    const ref = kit.spawn(account('f', { retention: RetentionCriteria.snapshotEvery(2, 1), signalHandler: (_s, sig) => void signals.push(sig) }));
    await deposits(ref, 4);
    expect(signals.map((s) => s.type)).toEqual(['RecoveryCompleted', 'SnapshotFailed', 'SnapshotCompleted', 'DeleteSnapshotsCompleted']);
    expect(await snapshotSeqs(snapshotStore, 'Account|f')).toEqual([4]);
    expect(await ask(ref, (replyTo: ActorRef<number>) => ({ type: 'balance', replyTo }), { timeoutMs: 1 })).toBe(4);
    expect(kit.logs.find('saving a snapshot failed', 'warn')).toHaveLength(1);
  });

  it('validates retention settings', () => {
    expect(() => RetentionCriteria.snapshotEvery(0, 1)).toThrow('snapshotEvery numberOfEvents must be an integer >= 1, got 0');
    expect(() => RetentionCriteria.snapshotEvery(10, 0)).toThrow('snapshotEvery keepNSnapshots must be an integer >= 1, got 0');
  });
});
