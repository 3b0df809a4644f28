import type {
  SelectedSnapshot,
  SerializedValue,
  SnapshotMetadata,
  SnapshotSelectionCriteria,
  SnapshotStore,
} from '../spi/index.js';
import { FaultSchedule, ordinal, type FaultOptions } from './FaultSchedule.js';
import { InjectedFault } from './InjectedFault.js';

type SnapshotFault = 'failSave' | 'failLoad' | 'failSnapshotDelete';

/** A snapshot that reached the wrapped store. */
export interface SavedSnapshot {
  readonly metadata: SnapshotMetadata;
  readonly snapshot: SerializedValue;
}

/**
 * Wraps any snapshot store and makes chosen operations fail, for tests of what an application
 * does when snapshots cannot be saved or loaded. Without faults it passes every call through
 * unchanged. Faults are counted from the moment they are registered and fire once unless `times`
 * says otherwise.
 */
export class FaultInjectingSnapshotStore implements SnapshotStore {
  readonly #inner: SnapshotStore;
  readonly #faults = new FaultSchedule<SnapshotFault>();
  readonly #saves: SavedSnapshot[] = [];

  constructor(inner: SnapshotStore) {
    this.#inner = inner;
  }

  /** Every save passed on to the wrapped store, in order; saves failed by an injected fault are not listed. */
  get saves(): readonly SavedSnapshot[] {
    return this.#saves;
  }

  /** The nth matching `save` from now rejects; nothing is stored. */
  failSave(options: FaultOptions = {}): this {
    this.#faults.add('failSave', options, undefined);
    return this;
  }

  /** The nth matching `load` from now rejects: recovery fails. */
  failLoad(options: FaultOptions = {}): this {
    this.#faults.add('failLoad', options, undefined);
    return this;
  }

  /** The nth matching `delete` or `deleteMatching` from now rejects; nothing is deleted. */
  failDelete(options: FaultOptions = {}): this {
    this.#faults.add('failSnapshotDelete', options, undefined);
    return this;
  }

  /** Drops every fault not fired yet; from now on every call passes through. */
  clearFaults(): void {
    this.#faults.clear();
  }

  async load(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<SelectedSnapshot | undefined> {
    this.#throwIfFault('failLoad', persistenceId, 'load');
    return this.#inner.load(persistenceId, criteria);
  }

  async save(metadata: SnapshotMetadata, snapshot: SerializedValue): Promise<void> {
    this.#throwIfFault('failSave', metadata.persistenceId, `save of the snapshot at sequence nr ${metadata.sequenceNr}`);
    this.#saves.push({ metadata, snapshot });
    await this.#inner.save(metadata, snapshot);
  }

  async delete(metadata: SnapshotMetadata): Promise<void> {
    this.#throwIfFault('failSnapshotDelete', metadata.persistenceId, `delete of the snapshot at sequence nr ${metadata.sequenceNr}`);
    return this.#inner.delete(metadata);
  }

  async deleteMatching(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<void> {
    this.#throwIfFault('failSnapshotDelete', persistenceId, 'deleteMatching');
    return this.#inner.deleteMatching(persistenceId, criteria);
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }

  #throwIfFault(kind: SnapshotFault, persistenceId: string, operation: string): void {
    const fault = this.#faults.next(kind, persistenceId);
    if (fault === undefined) return;
    throw (
      fault.error ??
      new InjectedFault(kind, persistenceId, `the ${ordinal(fault.ordinal)} matching snapshot-store operation, ${operation}, failed`)
    );
  }
}
