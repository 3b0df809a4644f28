import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { Journal } from '../spi/Journal.js';
import type { AtomicWrite, PersistentRepr } from '../spi/PersistentRepr.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { account, type AccountCommand, type AccountReply } from './fixtures/account.test-support.js';
import { storedEvent } from './fixtures/GatedJournal.test-support.js';
import { Recovery } from './Recovery.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

type Call = readonly [method: string, ...args: unknown[]];

/** Records which journal methods the engine calls; the calls go to a MemoryJournal. */
class JournalWithoutIt implements Journal {
  readonly calls: Call[] = [];

  constructor(readonly inner: MemoryJournal) {}

  writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    return this.inner.writeMessages(writes);
  }

  replayMessages(id: string, from: number, to: number, max: number, onEvent: (e: PersistentRepr) => void): Promise<void> {
    this.calls.push(['replayMessages', id, from, to, max]);
    return this.inner.replayMessages(id, from, to, max, onEvent);
  }

  readHighestSequenceNr(id: string, from: number): Promise<number> {
    this.calls.push(['readHighestSequenceNr', id, from]);
    return this.inner.readHighestSequenceNr(id, from);
  }

  deleteMessagesTo(id: string, to: number): Promise<void> {
    return this.inner.deleteMessagesTo(id, to);
  }
}

/** The same, with `replayForRecovery` as the SPI defines it; `hold` keeps its calls waiting for ever. */
class JournalWithIt extends JournalWithoutIt {
  hold = false;
  /** Calls kept waiting by `hold`: work the test kit must not wait for. */
  held = 0;
  failWith: Error | undefined;

  async replayForRecovery(id: string, from: number, to: number, max: number, onEvent: (e: PersistentRepr) => void): Promise<number> {
    this.calls.push(['replayForRecovery', id, from, to, max]);
    if (this.hold) {
      this.held++;
      await new Promise<never>(() => {});
    }
    if (this.failWith !== undefined) throw this.failWith;
    const highest = await this.inner.readHighestSequenceNr(id, from);
    await this.inner.replayMessages(id, from, Math.min(to, highest), max, onEvent);
    return highest;
  }
}

/** A MemoryJournal with deposits of 1..count for Account|<id>. */
async function storeWith(id: string, count: number): Promise<MemoryJournal> {
  const journal = new MemoryJournal();
  const pid = `Account|${id}`;
  const events = Array.from({ length: count }, (_, i) => storedEvent(pid, i + 1, { type: 'Deposited', amount: i + 1 }, 'Deposited'));
  await journal.writeMessages([{ persistenceId: pid, events }]);
  return journal;
}

function system(journal: Journal, snapshotStore = new MemorySnapshotStore(), extra: Record<string, unknown> = {}): ActorTestKit {
  const heldWork = journal instanceof JournalWithIt ? () => journal.held : undefined;
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore, ...extra } }, ...(heldWork === undefined ? {} : { heldWork }) });
  return kit;
}

const balance = (ref: ActorRef<AccountCommand>) => ask(ref, (replyTo: ActorRef<number>) => ({ type: 'balance', replyTo }), { timeoutMs: 60_000 });
const deposit = (ref: ActorRef<AccountCommand>, amount: number) =>
  ask(ref, (replyTo: ActorRef<AccountReply>) => ({ type: 'deposit', amount, replyTo }), { timeoutMs: 60_000 });

async function storedSeqNrs(journal: MemoryJournal, pid: string): Promise<number[]> {
  const seqs: number[] = [];
  await journal.replayMessages(pid, 1, Infinity, Infinity, (e) => seqs.push(e.sequenceNr));
  return seqs;
}

describe('recovery through Journal.replayForRecovery', () => {
  it('a journal without it recovers through readHighestSequenceNr, then replayMessages up to the highest', async () => {
    const journal = new JournalWithoutIt(await storeWith('a', 4));
    const ref = system(journal).spawn(account('a'));
    expect(await balance(ref)).toBe(1 + 2 + 3 + 4);
    expect(journal.calls).toEqual([
      ['readHighestSequenceNr', 'Account|a', 1],
      ['replayMessages', 'Account|a', 1, 4, Infinity],
    ]);
  });

  it('a journal with it recovers through that one call alone, then numbers new events after the highest', async () => {
    const store = await storeWith('b', 4);
    const journal = new JournalWithIt(store);
    const ref = system(journal).spawn(account('b'));
    expect(await balance(ref)).toBe(1 + 2 + 3 + 4);
    expect(journal.calls).toEqual([['replayForRecovery', 'Account|b', 1, Infinity, Infinity]]);
    await deposit(ref, 5);
    expect(await storedSeqNrs(store, 'Account|b')).toEqual([1, 2, 3, 4, 5]);
  });

  it('the highest it gives numbers the next event when every event was deleted', async () => {
    const store = await storeWith('d', 3);
    await store.deleteMessagesTo('Account|d', Infinity);
    const journal = new JournalWithIt(store);
    const ref = system(journal).spawn(account('d'));
    expect(await balance(ref)).toBe(0);
    expect(await deposit(ref, 7)).toEqual({ ok: true, balance: 7 });
    expect(await storedSeqNrs(store, 'Account|d')).toEqual([4]);
  });

  it('from is the snapshot sequence nr + 1; toSequenceNr and replayMax are passed as they are', async () => {
    const snapshots = new MemorySnapshotStore();
    await snapshots.save(
      { persistenceId: 'Account|s', sequenceNr: 2, timestamp: 1 },
      { serializerId: 1, manifest: '', payload: JSON.stringify({ balance: 1000, closed: false }) },
    );
    const journal = new JournalWithIt(await storeWith('s', 6));
    const ref = system(journal, snapshots).spawn(account('s', { recovery: Recovery.withOptions({ toSequenceNr: 5, replayMax: 2 }) }));
    expect(await balance(ref)).toBe(1000 + 3 + 4);
    expect(journal.calls).toEqual([['replayForRecovery', 'Account|s', 3, 5, 2]]);
  });

  it('Recovery.none() asks for no events (max 0) and still numbers new events after the highest', async () => {
    const store = await storeWith('n', 3);
    const journal = new JournalWithIt(store);
    const ref = system(journal).spawn(account('n', { recovery: Recovery.none() }));
    expect(await balance(ref)).toBe(0);
    expect(journal.calls).toEqual([['replayForRecovery', 'Account|n', 1, 0, 0]]);
    await deposit(ref, 1);
    expect(await storedSeqNrs(store, 'Account|n')).toEqual([1, 2, 3, 4]);
  });

  it('an event handler that throws fails recovery with RecoveryFailed naming the sequence nr', async () => {
    const journal = new JournalWithIt(await storeWith('t', 3));
    const ref = system(journal).spawn(
      account('t', {
        eventHandler: (state, event) => {
          if (event.type === 'Deposited' && event.amount === 2) throw new Error('cannot apply 2');
          return state;
        },
      }),
    );
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryFailed');
    expect(terminated.failure?.message).toBe(
      'recovery of persistenceId "Account|t" failed at event sequence nr 2 (manifest "Deposited"): the event handler threw on event Deposited: cannot apply 2',
    );
  });

  it('a replayForRecovery that rejects fails recovery with RecoveryFailed, the storage error as cause', async () => {
    const journal = new JournalWithIt(await storeWith('f', 1));
    const broken = new Error('connection lost');
    journal.failWith = broken;
    const ref = system(journal).spawn(account('f'));
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryFailed');
    expect((terminated.failure as { cause?: unknown }).cause).toBe(broken);
  });

  it('a replayForRecovery that makes no progress fails with RecoveryTimedOut', async () => {
    const journal = new JournalWithIt(await storeWith('slow', 1));
    journal.hold = true;
    const ref = system(journal, new MemorySnapshotStore(), { recoveryTimeoutMs: 5000 }).spawn(account('slow'));
    await kit.settle();
    await kit.advance(5000);
    await kit.advance(4999);
    expect(kit.logs.find('recovery failed')).toEqual([]);
    await kit.advance(1);
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('RecoveryTimedOut');
  });
});
