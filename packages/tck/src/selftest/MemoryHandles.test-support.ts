// The memory stores are not exported from @engram/core's entry yet; switch to it once they are.
import { MemoryJournal, MemorySnapshotStore } from '../../../core/src/memory/index.js';
import type {
  AtomicWrite,
  Journal,
  PersistentRepr,
  SelectedSnapshot,
  SerializedValue,
  SnapshotMetadata,
  SnapshotSelectionCriteria,
  SnapshotStore,
} from '@engram/core/spi';

/**
 * A connection to a MemoryJournal that outlives it, as a process's connection to a database:
 * several handles share the journal, and closing one leaves the data in place. Lets the TCK's own
 * tests run the durable and shared-storage cases against a correct store.
 */
export class JournalHandle implements Journal {
  #closed = false;

  constructor(readonly storage: MemoryJournal) {}

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    this.#ensureOpen();
    return this.storage.writeMessages(writes);
  }

  async replayMessages(pid: string, from: number, to: number, max: number, onEvent: (e: PersistentRepr) => void): Promise<void> {
    this.#ensureOpen();
    return this.storage.replayMessages(pid, from, to, max, onEvent);
  }

  async readHighestSequenceNr(pid: string, from: number): Promise<number> {
    this.#ensureOpen();
    return this.storage.readHighestSequenceNr(pid, from);
  }

  /** The optional recovery read, as the SPI defines it: the two calls it stands for. */
  async replayForRecovery(pid: string, from: number, to: number, max: number, onEvent: (e: PersistentRepr) => void): Promise<number> {
    this.#ensureOpen();
    return recoveryByTwoCalls(this, pid, from, to, max, onEvent);
  }

  async deleteMessagesTo(pid: string, to: number): Promise<void> {
    this.#ensureOpen();
    return this.storage.deleteMessagesTo(pid, to);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new Error('JournalHandle is closed');
  }
}

/** `Journal.replayForRecovery` by its definition: `readHighestSequenceNr`, then `replayMessages` up to it. */
export async function recoveryByTwoCalls(
  journal: Journal,
  pid: string,
  from: number,
  to: number,
  max: number,
  onEvent: (e: PersistentRepr) => void,
): Promise<number> {
  const highest = await journal.readHighestSequenceNr(pid, from);
  await journal.replayMessages(pid, from, Math.min(to, highest), max, onEvent);
  return highest;
}

/** The snapshot-store counterpart of JournalHandle. */
export class SnapshotStoreHandle implements SnapshotStore {
  #closed = false;

  constructor(readonly storage: MemorySnapshotStore) {}

  async load(pid: string, criteria: SnapshotSelectionCriteria): Promise<SelectedSnapshot | undefined> {
    this.#ensureOpen();
    return this.storage.load(pid, criteria);
  }

  async save(metadata: SnapshotMetadata, snapshot: SerializedValue): Promise<void> {
    this.#ensureOpen();
    return this.storage.save(metadata, snapshot);
  }

  async delete(metadata: SnapshotMetadata): Promise<void> {
    this.#ensureOpen();
    return this.storage.delete(metadata);
  }

  async deleteMatching(pid: string, criteria: SnapshotSelectionCriteria): Promise<void> {
    this.#ensureOpen();
    return this.storage.deleteMatching(pid, criteria);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new Error('SnapshotStoreHandle is closed');
  }
}

export { MemoryJournal, MemorySnapshotStore };
