import {
  InvalidPersistenceId,
  SnapshotSelectionCriteria,
  type SelectedSnapshot,
  type SerializedValue,
  type SnapshotMetadata,
  type SnapshotStore,
} from '../spi/index.js';
import { StoreClosed } from './errors.js';

/**
 * The snapshot store of tests and first steps: everything lives in this process and is gone with
 * it. Snapshots are kept as given, never copied.
 */
export class MemorySnapshotStore implements SnapshotStore {
  /** Per persistenceId, ascending by sequenceNr; at most one snapshot per sequence nr. */
  readonly #snapshots = new Map<string, SelectedSnapshot[]>();
  #closed = false;

  async load(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<SelectedSnapshot | undefined> {
    this.#ensureOpen('load', persistenceId);
    const list = this.#snapshots.get(persistenceId);
    if (list === undefined) return undefined;
    // Youngest first: the highest sequence nr wins, and there is one snapshot per sequence nr.
    for (let i = list.length - 1; i >= 0; i--) {
      const selected = list[i]!;
      if (SnapshotSelectionCriteria.matches(criteria, selected.metadata)) return selected;
    }
    return undefined;
  }

  async save(metadata: SnapshotMetadata, snapshot: SerializedValue): Promise<void> {
    const pid = metadata.persistenceId;
    this.#ensureOpen('save', pid);
    if (pid.length === 0) {
      throw new InvalidPersistenceId(pid, `it must not be empty; snapshot at sequence nr ${metadata.sequenceNr} was not stored`);
    }
    let list = this.#snapshots.get(pid);
    if (list === undefined) {
      list = [];
      this.#snapshots.set(pid, list);
    }
    const index = firstIndexAtOrAbove(list, metadata.sequenceNr);
    const entry: SelectedSnapshot = { metadata, snapshot };
    if (list[index]?.metadata.sequenceNr === metadata.sequenceNr) list[index] = entry;
    else list.splice(index, 0, entry);
  }

  async delete(metadata: SnapshotMetadata): Promise<void> {
    this.#ensureOpen('delete', metadata.persistenceId);
    const list = this.#snapshots.get(metadata.persistenceId);
    if (list === undefined) return;
    const index = firstIndexAtOrAbove(list, metadata.sequenceNr);
    const found = list[index]?.metadata;
    if (found === undefined || found.sequenceNr !== metadata.sequenceNr) return;
    if (metadata.timestamp !== 0 && found.timestamp !== metadata.timestamp) return;
    list.splice(index, 1);
    if (list.length === 0) this.#snapshots.delete(metadata.persistenceId);
  }

  async deleteMatching(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<void> {
    this.#ensureOpen('deleteMatching', persistenceId);
    const list = this.#snapshots.get(persistenceId);
    if (list === undefined) return;
    const kept = list.filter((s) => !SnapshotSelectionCriteria.matches(criteria, s.metadata));
    if (kept.length === 0) this.#snapshots.delete(persistenceId);
    else this.#snapshots.set(persistenceId, kept);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#snapshots.clear();
  }

  #ensureOpen(operation: string, persistenceId: string): void {
    if (this.#closed) throw new StoreClosed('MemorySnapshotStore', operation, persistenceId);
  }
}

function firstIndexAtOrAbove(list: readonly SelectedSnapshot[], sequenceNr: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid]!.metadata.sequenceNr < sequenceNr) low = mid + 1;
    else high = mid;
  }
  return low;
}
