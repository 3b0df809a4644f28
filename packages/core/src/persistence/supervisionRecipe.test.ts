import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { SupervisorStrategy } from '../actor/SupervisorStrategy.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import type { AtomicWrite, Journal, PersistentRepr } from '../spi/index.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { ManualScheduler } from '../testkit/ManualScheduler.js';
import { account, type AccountCommand, type AccountReply } from './fixtures/account.test-support.js';

// The supervision recipe of docs/supervision.md, at scale on the manual clock: the journal goes
// down, 1,000 persistent actors stop on the JournalFailure, and `onPersistFailure:
// restartWithBackoff` brings them back, spread over the backoff window by the random factor,
// while the recovery permits bound how many read the journal at once.

const ACTORS = 1000;

let kits: ActorTestKit[] = [];
afterEach(async () => {
  await Promise.all(kits.map((kit) => kit.shutdown()));
  kits = [];
});

/** A seeded generator, so the spread is the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Passes every call on, recording when each replay starts on the test clock and how many are in
 * flight; with `replayMs`, a replay takes that long on the test clock (a store under load), so
 * recoveries overlap.
 */
class ObservedJournal implements Journal {
  readonly replayStarts: { readonly persistenceId: string; readonly at: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  replayMs = 0;

  constructor(
    private readonly inner: Journal,
    private readonly clock: () => ManualScheduler,
  ) {}

  writeMessages(writes: readonly AtomicWrite[]) {
    return this.inner.writeMessages(writes);
  }

  async replayMessages(pid: string, from: number, to: number, max: number, onEvent: (event: PersistentRepr) => void): Promise<void> {
    const clock = this.clock();
    this.replayStarts.push({ persistenceId: pid, at: clock.now() });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.replayMs > 0) await new Promise<void>((resolve) => clock.schedule(this.replayMs, resolve));
      await this.inner.replayMessages(pid, from, to, max, onEvent);
    } finally {
      this.inFlight--;
    }
  }

  readHighestSequenceNr(pid: string, from: number) {
    return this.inner.readHighestSequenceNr(pid, from);
  }

  deleteMessagesTo(pid: string, to: number) {
    return this.inner.deleteMessagesTo(pid, to);
  }
}

async function outage(options: { readonly randomFactor: number; readonly maxConcurrentRecoveries?: number; readonly replayMs?: number }) {
  const faults = new FaultInjectingJournal(new MemoryJournal());
  let kit: ActorTestKit | undefined;
  const journal = new ObservedJournal(faults, () => kit!.clock);
  kit = ActorTestKit.create({
    config: {
      persistence: {
        journal,
        snapshotStore: new MemorySnapshotStore(),
        ...(options.maxConcurrentRecoveries === undefined ? {} : { maxConcurrentRecoveries: options.maxConcurrentRecoveries }),
      },
    },
    random: seededRandom(9),
    // Replays held on the test clock are expected to wait for it.
    heldWork: () => journal.inFlight,
  });
  kits.push(kit);
  const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1000, maxBackoffMs: 30_000, randomFactor: options.randomFactor });
  const replies = kit.createTestProbe<AccountReply>();
  const refs: ActorRef<AccountCommand>[] = [];
  for (let i = 0; i < ACTORS; i++) {
    const ref = kit.spawn(account(`a${i}`, { onPersistFailure: backoff }), `account-${i}`);
    refs.push(ref);
    ref.tell({ type: 'deposit', amount: 10, replyTo: replies.ref });
  }
  expect(await replies.receiveMessages(ACTORS)).toHaveLength(ACTORS);

  // The journal goes down: every write fails, so every actor stops on its JournalFailure.
  faults.failWrite({ times: Infinity });
  journal.replayStarts.length = 0;
  journal.maxInFlight = 0;
  journal.replayMs = options.replayMs ?? 0;
  const downAt = kit.clock.now();
  for (const ref of refs) ref.tell({ type: 'deposit', amount: 1, replyTo: replies.ref });
  await kit.settle();
  // Each stopped on its JournalFailure, and its backoff supervisor scheduled the first restart.
  expect(kit.logs.find('(restart 1 with backoff)')).toHaveLength(ACTORS);
  expect(kit.logs.find('(restart 1 with backoff)').every((entry) => (entry.fields.err as Error).name === 'JournalFailure')).toBe(true);
  faults.clearFaults(); // ...and comes back before the first restart
  return { kit, journal, refs, downAt, replies };
}

describe('restartWithBackoff for persistent actors: a journal outage of 1,000 actors', () => {
  it('the restarts are spread over the backoff window by the random factor: no thundering herd', async () => {
    const { kit, journal, downAt } = await outage({ randomFactor: 0.5 });
    await kit.advance(999);
    expect(journal.replayStarts).toHaveLength(0); // nobody comes back before minBackoffMs
    await kit.advance(501);
    const starts = journal.replayStarts.map((start) => start.at - downAt);
    expect(new Set(journal.replayStarts.map((start) => start.persistenceId)).size).toBe(ACTORS);
    expect(starts).toHaveLength(ACTORS);
    // Every restart falls in [min, min * (1 + randomFactor)], and the window is used evenly: ten
    // slices of 50 ms each get between 5% and 15% of the restarts (a herd puts them all in one).
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...starts)).toBeLessThanOrEqual(1500);
    const slices = Array.from({ length: 10 }, (_, i) => starts.filter((at) => at >= 1000 + i * 50 && at < 1050 + i * 50).length);
    for (const count of slices) {
      expect(count).toBeGreaterThanOrEqual(ACTORS * 0.05);
      expect(count).toBeLessThanOrEqual(ACTORS * 0.15);
    }
    const perMs = new Map<number, number>();
    for (const at of starts) perMs.set(at, (perMs.get(at) ?? 0) + 1);
    expect(Math.max(...perMs.values())).toBeLessThanOrEqual(10);
  });

  it('without a random factor they all come back at the same millisecond: the herd the factor prevents', async () => {
    const { kit, journal, downAt } = await outage({ randomFactor: 0 });
    await kit.advance(1000);
    expect(new Set(journal.replayStarts.map((start) => start.at - downAt))).toEqual(new Set([1000]));
    expect(journal.replayStarts).toHaveLength(ACTORS);
  });

  it('the recovery permits bound the concurrent recoveries, even when every actor restarts at once', async () => {
    const { kit, journal, refs, downAt } = await outage({ randomFactor: 0, maxConcurrentRecoveries: 20, replayMs: 100 });
    await kit.advance(1000 + (ACTORS / 20) * 100);
    expect(journal.replayStarts).toHaveLength(ACTORS);
    expect(journal.maxInFlight).toBe(20);
    // Twenty at a time, 100 ms each: the last recoveries start (1000 / 20 - 1) * 100 ms after the first.
    const last = Math.max(...journal.replayStarts.map((start) => start.at - downAt));
    expect(last).toBe(1000 + (ACTORS / 20 - 1) * 100);
    // Every actor is back with what was stored: the deposit of 10, not the one the outage refused.
    const balances = kit.createTestProbe<number>();
    for (const ref of refs) ref.tell({ type: 'balance', replyTo: balances.ref });
    expect(new Set(await balances.receiveMessages(ACTORS))).toEqual(new Set([10]));
  });

  it('with the random factor and the permits together, the concurrent recoveries stay under the limit and all come back', async () => {
    const { kit, journal, refs, replies } = await outage({ randomFactor: 0.5, maxConcurrentRecoveries: 20, replayMs: 100 });
    await kit.advance(1500 + (ACTORS / 20) * 100);
    expect(journal.replayStarts).toHaveLength(ACTORS);
    expect(journal.maxInFlight).toBeLessThanOrEqual(20);
    expect(journal.maxInFlight).toBeGreaterThan(1);
    for (const ref of refs) ref.tell({ type: 'deposit', amount: 5, replyTo: replies.ref });
    const after = await replies.receiveMessages(ACTORS);
    expect(new Set(after.map((reply) => (reply.ok ? reply.balance : reply.error)))).toEqual(new Set([15]));
  });
});
