import type { AtomicWrite, Journal, JournalReader, PersistentRepr } from '@engram/core/spi';

/**
 * Wraps a journal so that a test can hold writes: after `hold()`, every `writeMessages` call
 * waits until `open()`; `held` resolves once a call is waiting, i.e. a request is inside the app.
 * `holdReads()` does the same for `readHighestSequenceNr` (start-up's first read of the store).
 */
export class WriteGate implements Journal {
  private gate: Promise<void> | undefined;
  private openGate: () => void = () => {};
  private announceHeld: () => void = () => {};
  held: Promise<void> = Promise.resolve();
  /** Writes waiting at the gate now (for ActorTestKit's `heldWork`). */
  waiting = 0;

  private readGate: Promise<void> | undefined;
  private openReadGate: () => void = () => {};

  constructor(private readonly inner: Journal) {}

  holdReads(): void {
    this.readGate = new Promise((resolve) => (this.openReadGate = resolve));
  }

  openReads(): void {
    this.readGate = undefined;
    this.openReadGate();
  }

  /** The inner journal's query side: the read side reads through it. */
  get reader(): JournalReader {
    if (this.inner.reader === undefined) throw new Error('WriteGate needs a journal with a query side (Journal.reader)');
    return this.inner.reader;
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }

  /** Holds every write from now on. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    this.held = new Promise((resolve) => (this.announceHeld = resolve));
  }

  open(): void {
    this.gate = undefined;
    this.openGate();
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    if (this.gate !== undefined) {
      this.announceHeld();
      this.waiting++;
      try {
        await this.gate;
      } finally {
        this.waiting--;
      }
    }
    return this.inner.writeMessages(writes);
  }

  replayMessages(persistenceId: string, from: number, to: number, max: number, onEvent: (event: PersistentRepr) => void): Promise<void> {
    return this.inner.replayMessages(persistenceId, from, to, max, onEvent);
  }

  async readHighestSequenceNr(persistenceId: string, from: number): Promise<number> {
    if (this.readGate !== undefined) await this.readGate;
    return this.inner.readHighestSequenceNr(persistenceId, from);
  }

  deleteMessagesTo(persistenceId: string, to: number): Promise<void> {
    return this.inner.deleteMessagesTo(persistenceId, to);
  }
}
