import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { EventAdapters } from '../serialization/EventAdapter.js';
import { SnapshotSelectionCriteria } from '../spi/SnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import { account, type AccountCommand, type AccountEvent, type AccountReply, type AccountState } from './fixtures/account.test-support.js';
import { GatedJournal, storedEvent } from './fixtures/GatedJournal.test-support.js';
import type { InspectionEvent } from './Inspection.js';
import { Persistence } from './Persistence.js';
import { Recovery } from './Recovery.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

const deposited = (amount: number) => ({ type: 'Deposited', amount });

/** A journal holding `count` deposits of 1..count for Account|<id>. */
async function journalWith(ids: readonly string[], count: number): Promise<MemoryJournal> {
  const journal = new MemoryJournal();
  for (const id of ids) {
    const events = Array.from({ length: count }, (_, i) => storedEvent(`Account|${id}`, i + 1, deposited(i + 1), 'Deposited'));
    await journal.writeMessages([{ persistenceId: `Account|${id}`, events }]);
  }
  return journal;
}

function system(journal: Journal, extra: Record<string, unknown> = {}) {
  const heldWork = journal instanceof GatedJournal ? () => journal.waiting : undefined;
  kit = ActorTestKit.create({
    config: { persistence: { journal, snapshotStore: new MemorySnapshotStore(), ...extra } },
    ...(heldWork === undefined ? {} : { heldWork }),
  });
  return kit;
}

const balance = (ref: ActorRef<AccountCommand>) =>
  ask(ref, (replyTo: ActorRef<number>) => ({ type: 'balance', replyTo }), { timeoutMs: 60_000 });

describe('recovery', () => {
  it('replays every event into the state and continues numbering after the highest', async () => {
    system(await journalWith(['a'], 4));
    const ref = kit.spawn(account('a'));
    expect(await balance(ref)).toBe(1 + 2 + 3 + 4);
    await ask(ref, (replyTo: ActorRef<AccountReply>) => ({ type: 'deposit', amount: 5, replyTo }), { timeoutMs: 1 });
    const stored: number[] = [];
    await Persistence.get(kit.system).journal.replayMessages('Account|a', 1, Infinity, Infinity, (r) => stored.push(r.sequenceNr));
    expect(stored).toEqual([1, 2, 3, 4, 5]);
  });

  it('Recovery.none() starts empty but still numbers new events after the highest stored', async () => {
    const journal = await journalWith(['n'], 3);
    system(journal);
    const signals: string[] = [];
    const ref = kit.spawn(account('n', { recovery: Recovery.none(), signalHandler: (_s, sig) => void signals.push(sig.type) }));
    expect(await balance(ref)).toBe(0);
    expect(signals).toEqual(['RecoveryCompleted']);
    await ask(ref, (replyTo: ActorRef<AccountReply>) => ({ type: 'deposit', amount: 1, replyTo }), { timeoutMs: 1 });
    expect(await journal.readHighestSequenceNr('Account|n', 0)).toBe(4);
  });

  it('toSequenceNr and replayMax bound the replay', async () => {
    system(await journalWith(['t', 'm'], 5));
    expect(await balance(kit.spawn(account('t', { recovery: Recovery.withOptions({ toSequenceNr: 2 }) })))).toBe(1 + 2);
    expect(await balance(kit.spawn(account('m', { recovery: Recovery.withOptions({ replayMax: 3 }) })))).toBe(1 + 2 + 3);
  });

  it('recovery also takes plain options: { toSequenceNr, replayMax, fromSnapshot }', async () => {
    system(await journalWith(['p'], 5));
    expect(await balance(kit.spawn(account('p', { recovery: { toSequenceNr: 4, replayMax: 2 } })))).toBe(1 + 2);
  });

  it('starts from the youngest snapshot matching the criteria, then the events after it', async () => {
    const journal = await journalWith(['s'], 6);
    const snapshotStore = new MemorySnapshotStore();
    const snap = (sequenceNr: number, balance: number) =>
      snapshotStore.save(
        { persistenceId: 'Account|s', sequenceNr, timestamp: 1 },
        { serializerId: 1, manifest: '', payload: JSON.stringify({ balance, closed: false }) },
      );
    await snap(2, 1000);
    await snap(4, 5000);
    kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore } } });
    expect(await balance(kit.spawn(account('s')))).toBe(5000 + 5 + 6);
    const older = kit.spawn(
      account('s', { recovery: Recovery.withOptions({ fromSnapshot: SnapshotSelectionCriteria.of({ maxSequenceNr: 3 }) }) }),
      'older',
    );
    await kit.settle();
    // The first actor still holds the persistenceId: the second one is refused.
    const refused = await kit.createTestProbe<never>().expectTerminated(older);
    expect(refused.failure?.name).toBe('DuplicatePersistenceId');
  });

  it('a snapshot newer than toSequenceNr is not used', async () => {
    const journal = await journalWith(['x'], 6);
    const snapshotStore = new MemorySnapshotStore();
    await snapshotStore.save(
      { persistenceId: 'Account|x', sequenceNr: 4, timestamp: 1 },
      { serializerId: 1, manifest: '', payload: JSON.stringify({ balance: 9999, closed: false }) },
    );
    kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore } } });
    expect(await balance(kit.spawn(account('x', { recovery: Recovery.withOptions({ toSequenceNr: 3 }) })))).toBe(6);
  });

  it('commands sent during recovery wait for it, then run in order against the recovered state', async () => {
    const gated = new GatedJournal(await journalWith(['g'], 2));
    system(gated);
    const ref = kit.spawn(account('g'));
    const probe = kit.createTestProbe<AccountReply>();
    ref.tell({ type: 'withdraw', amount: 3, replyTo: probe.ref });
    ref.tell({ type: 'withdraw', amount: 1, replyTo: probe.ref });
    await probe.expectNoMessage();
    gated.openNext();
    expect(await probe.receiveMessages(2)).toEqual([
      { ok: true, balance: 0 },
      { ok: false, error: 'insufficient funds' },
    ]);
  });

  it('beyond stashCapacity, commands during recovery go to dead letters with one warning; those kept run after it', async () => {
    const gated = new GatedJournal(await journalWith(['o'], 1));
    system(gated, { stashCapacity: 2 });
    const ref = kit.spawn(account('o'), 'overflowing');
    const probe = kit.createTestProbe<AccountReply>();
    for (const amount of [10, 20, 30, 40]) ref.tell({ type: 'deposit', amount, replyTo: probe.ref });
    await probe.expectNoMessage();
    expect(kit.deadLetters.map((d) => (d.message as { amount: number }).amount)).toEqual([30, 40]);
    expect(kit.logs.find('stash full', 'warn')).toHaveLength(1);
    gated.openNext();
    expect(await probe.receiveMessages(2)).toEqual([
      { ok: true, balance: 11 },
      { ok: true, balance: 31 },
    ]);
  });

  it("with stashOverflow: 'fail' a full stash fails the actor with StashOverflow", async () => {
    const gated = new GatedJournal(await journalWith(['of'], 1));
    system(gated, { stashCapacity: 1, stashOverflow: 'fail' });
    const ref = kit.spawn(account('of'), 'strict');
    const probe = kit.createTestProbe<AccountReply>();
    ref.tell({ type: 'deposit', amount: 1, replyTo: probe.ref });
    ref.tell({ type: 'deposit', amount: 2, replyTo: probe.ref });
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.message).toBe('stash of engram://test/user/strict is full (capacity 1); could not stash deposit');
  });

  it('at most maxConcurrentRecoveries actors replay at once; the others wait for a permit', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const gated = new GatedJournal(await journalWith(ids, 1));
    system(gated, { maxConcurrentRecoveries: 2 });
    const refs = ids.map((id) => kit.spawn(account(id)));
    await kit.settle();
    expect(gated.replaysStarted).toEqual(['Account|p1', 'Account|p2']);
    gated.openNext();
    await kit.settle();
    expect(gated.replaysStarted).toEqual(['Account|p1', 'Account|p2', 'Account|p3']);
    for (let i = 0; i < 4; i++) {
      gated.openNext();
      await kit.settle();
    }
    expect(gated.replaysStarted).toHaveLength(5);
    expect(await Promise.all(refs.map(balance))).toEqual([1, 1, 1, 1, 1]);
    expect(Persistence.get(kit.system).recoveryPermits.inUse).toBe(0);
  });

  it('a replay that makes no progress fails with RecoveryTimedOut naming the id and phase', async () => {
    const gated = new GatedJournal(await journalWith(['slow'], 1));
    system(gated, { recoveryTimeoutMs: 5000 });
    const ref = kit.spawn(account('slow'));
    await kit.settle();
    // The first window saw progress (the highest sequence nr was read); the second sees none.
    await kit.advance(5000);
    await kit.advance(4999);
    expect(kit.logs.find('recovery failed')).toEqual([]);
    await kit.advance(1);
    expect(kit.logs.find('recovery failed')).toHaveLength(1);
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryTimedOut');
    expect(terminated.failure?.message).toBe(
      'recovery of persistenceId "Account|slow" made no progress for 5000 ms in phase ReplayingEvents',
    );
    expect(Persistence.get(kit.system).recoveryPermits.inUse).toBe(0);
  });

  describe('a stored event that cannot be read fails recovery and changes nothing', () => {
    async function failingRecovery(stored: Parameters<typeof storedEvent>, settings: Parameters<typeof account>[1] = {}) {
      const journal = await journalWith(['bad'], 1);
      await journal.writeMessages([{ persistenceId: 'Account|bad', events: [storedEvent(...stored)] }]);
      const before: unknown[] = [];
      await journal.replayMessages('Account|bad', 1, Infinity, Infinity, (r) => before.push(r));
      system(journal);
      const inspected: InspectionEvent[] = [];
      Persistence.get(kit.system).inspect((e) => inspected.push(e));
      const signals: EventSourcedSignal[] = [];
      const ref = kit.spawn(account('bad', { ...settings, signalHandler: (_s, sig) => void signals.push(sig) }));
      const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
      const after: unknown[] = [];
      await journal.replayMessages('Account|bad', 1, Infinity, Infinity, (r) => after.push(r));
      expect(after).toEqual(before);
      expect(signals.map((s) => s.type)).toEqual(['RecoveryFailed']);
      expect(inspected.map((e) => e.type)).toEqual(['RecoveryFailed']);
      return terminated.failure!;
    }

    it('unknown manifest (versioned adapter)', async () => {
      const failure = await failingRecovery(['Account|bad', 2, { type: 'Frozen' }, 'Frozen'], {
        eventAdapter: EventAdapters.versioned<AccountEvent>({ Deposited: {}, Withdrawn: {}, Closed: {} }),
      });
      expect(failure.name).toBe('RecoveryFailed');
      expect(failure.message).toBe(
        'recovery of persistenceId "Account|bad" failed at event sequence nr 2 (manifest "Frozen"): ' +
          'unknown manifest "Frozen": event type "Frozen" is not declared in the event schema',
      );
    });

    it('unparsable payload', async () => {
      const journal = await journalWith(['raw'], 1);
      await journal.writeMessages([
        { persistenceId: 'Account|raw', events: [{ ...storedEvent('Account|raw', 2, null, 'Deposited'), payload: '{"type":"Depos' }] },
      ]);
      system(journal);
      const terminated = await kit.createTestProbe<never>().expectTerminated(kit.spawn(account('raw')));
      expect(terminated.failure?.message).toMatch(
        /^recovery of persistenceId "Account\|raw" failed at event sequence nr 2 \(manifest "Deposited"\): .*JSON/,
      );
    });

    it('unknown serializer id', async () => {
      const journal = new MemoryJournal();
      await journal.writeMessages([
        { persistenceId: 'Account|ser', events: [{ ...storedEvent('Account|ser', 1, deposited(1), 'Deposited'), serializerId: 77 }] },
      ]);
      system(journal);
      const terminated = await kit.createTestProbe<never>().expectTerminated(kit.spawn(account('ser')));
      expect(terminated.failure?.message).toBe(
        'recovery of persistenceId "Account|ser" failed at event sequence nr 1 (manifest "Deposited"): ' +
          'no serializer with id 77 is registered (see persistence.serializers)',
      );
    });
  });

  it('reports RecoveryCompleted with the number of events and the duration', async () => {
    system(await journalWith(['i'], 3));
    const inspected: InspectionEvent[] = [];
    Persistence.get(kit.system).inspect((e) => inspected.push(e));
    await balance(kit.spawn(account('i'), 'inspected'));
    expect(inspected).toEqual([
      {
        type: 'RecoveryCompleted',
        persistenceId: 'Account|i',
        actor: 'engram://test/user/inspected',
        phase: 'ReplayingEvents',
        sequenceNr: 3,
        eventsReplayed: 3,
        fromSnapshot: 0,
        durationMs: 0,
      },
    ]);
  });
});

export type { AccountState };
