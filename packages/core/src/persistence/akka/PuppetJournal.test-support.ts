import { AssertionError } from 'node:assert';
import { MemoryJournal } from '../../memory/MemoryJournal.js';
import type { Journal } from '../../spi/Journal.js';
import type { AtomicWrite, PersistentRepr } from '../../spi/PersistentRepr.js';

interface HeldCall {
  readonly writes: readonly AtomicWrite[];
  readonly store: () => void;
  readonly fail: (error: Error) => void;
}

/**
 * A journal whose `writeMessages` calls wait until the test confirms (or fails) them, one call at a
 * time, like Akka's JournalPuppet and SteppingInmemJournal: the test sees exactly which writes the
 * actor sent and when. Replays and deletes go straight to the inner journal.
 */
export class PuppetJournal implements Journal {
  /** Every writeMessages call, in order, whatever became of it. */
  readonly calls: (readonly AtomicWrite[])[] = [];
  private readonly held: HeldCall[] = [];
  /**
   * Tracked work besides the held calls that may wait on them: the engine's queue of writes behind
   * a held call (1), plus e.g. a recovery waiting for a held write to land.
   */
  slack = 1;

  constructor(readonly inner: Journal = new MemoryJournal()) {}

  writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    this.calls.push(writes);
    return new Promise((resolve, reject) => {
      this.held.push({
        writes,
        store: () => void this.inner.writeMessages(writes).then(resolve, reject),
        fail: reject,
      });
    });
  }

  /** Calls waiting for the test. */
  get heldCalls(): number {
    return this.held.length;
  }

  /** What `ActorTestKit.settle` may leave pending: the held calls and, while one is held, the `slack`. */
  get heldWork(): number {
    return this.held.length === 0 ? 0 : this.held.length + this.slack;
  }

  /** The events of each AtomicWrite of each held call, decoded. */
  heldEvents(): unknown[][][] {
    return this.held.map((call) => call.writes.map((write) => write.events.map(decode)));
  }

  /** Stores the oldest held call. */
  confirm(): void {
    this.take().store();
  }

  /** Fails the oldest held call (a storage failure). */
  fail(error: Error): void {
    this.take().fail(error);
  }

  /** Stores every held call (before shutdown, which waits for pending writes). */
  confirmAll(): void {
    while (this.held.length > 0) this.confirm();
  }

  replayMessages(id: string, from: number, to: number, max: number, onEvent: (e: PersistentRepr) => void): Promise<void> {
    return this.inner.replayMessages(id, from, to, max, onEvent);
  }

  readHighestSequenceNr(id: string, from: number): Promise<number> {
    return this.inner.readHighestSequenceNr(id, from);
  }

  deleteMessagesTo(id: string, to: number): Promise<void> {
    return this.inner.deleteMessagesTo(id, to);
  }

  /** The events stored for `persistenceId`, decoded. */
  async stored(persistenceId: string): Promise<unknown[]> {
    const events: unknown[] = [];
    await this.inner.replayMessages(persistenceId, 1, Infinity, Infinity, (e) => events.push(decode(e)));
    return events;
  }

  private take(): HeldCall {
    const call = this.held.shift();
    if (call === undefined) throw new AssertionError({ message: 'PuppetJournal: no writeMessages call is waiting to be confirmed' });
    return call;
  }
}

function decode(repr: PersistentRepr): unknown {
  return JSON.parse(repr.payload as string) as unknown;
}
