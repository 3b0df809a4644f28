import type { AtomicWrite, Journal, JournalReader, PersistentRepr } from '@engram/core/spi';

/**
 * Wraps a journal so that a test can hold writes: after `close()`, every `writeMessages` call
 * waits until `open()`; `held` resolves once a call is waiting, i.e. a request is inside the app.
 */
export class WriteGate implements Journal {
  private gate: Promise<void> | undefined;
  private openGate: () => void = () => {};
  private announceHeld: () => void = () => {};
  held: Promise<void> = Promise.resolve();

  constructor(private readonly inner: Journal) {}

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
      await this.gate;
    }
    return this.inner.writeMessages(writes);
  }

  replayMessages(persistenceId: string, from: number, to: number, max: number, onEvent: (event: PersistentRepr) => void): Promise<void> {
    return this.inner.replayMessages(persistenceId, from, to, max, onEvent);
  }

  readHighestSequenceNr(persistenceId: string, from: number): Promise<number> {
    return this.inner.readHighestSequenceNr(persistenceId, from);
  }

  deleteMessagesTo(persistenceId: string, to: number): Promise<void> {
    return this.inner.deleteMessagesTo(persistenceId, to);
  }
}
