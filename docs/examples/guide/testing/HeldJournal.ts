import type { AtomicWrite, Journal, PersistentRepr } from '@engram/core';

/** Wraps a journal and holds every write until the test releases it: storage that is slow, on demand. */
export class HeldJournal implements Journal {
  private readonly gates: (() => void)[] = [];

  constructor(private readonly inner: Journal) {}

  /** Writes waiting to be released. */
  get held(): number {
    return this.gates.length;
  }

  release(): void {
    for (const open of this.gates.splice(0)) open();
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    await new Promise<void>((resolve) => this.gates.push(resolve));
    return this.inner.writeMessages(writes);
  }

  replayMessages(id: string, from: number, to: number, max: number, onEvent: (event: PersistentRepr) => void): Promise<void> {
    return this.inner.replayMessages(id, from, to, max, onEvent);
  }

  readHighestSequenceNr(persistenceId: string, from: number): Promise<number> {
    return this.inner.readHighestSequenceNr(persistenceId, from);
  }

  deleteMessagesTo(persistenceId: string, to: number): Promise<void> {
    return this.inner.deleteMessagesTo(persistenceId, to);
  }
}
