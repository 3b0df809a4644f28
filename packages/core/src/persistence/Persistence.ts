import type { ActorSystem, ExtensionId } from '../actor/ActorSystem.js';
import { requireNumber, InvalidArgument } from '../errors/index.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { Serialization } from '../serialization/Serialization.js';
import type { Journal } from '../spi/Journal.js';
import type { SnapshotStore } from '../spi/SnapshotStore.js';
import { DuplicatePersistenceId, IllegalPersistenceOperation } from './errors.js';
import { closeStores, settlesWithin } from './internal/closeStores.js';
import { JournalBatcher } from './internal/JournalBatcher.js';
import { RecoveryPermitter } from './internal/RecoveryPermitter.js';
import type { InspectionEvent, InspectionListener } from './Inspection.js';
import type { PersistenceConfig } from './PersistenceConfig.js';

export interface PersistenceSettings {
  readonly maxConcurrentRecoveries: number;
  readonly recoveryTimeoutMs: number;
  readonly stashCapacity: number;
  readonly stashOverflow: 'drop' | 'fail';
  readonly maxWriteBatch: number;
  readonly maxConcurrentWrites: number;
  readonly terminateTimeoutMs: number;
  readonly verifySerialization: boolean;
  readonly freezeState: boolean;
}

function isProduction(): boolean {
  return typeof process !== 'undefined' && process.env['NODE_ENV'] === 'production';
}

function requireBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgument(name, value, 'true or false');
  return value;
}

const extensionId: ExtensionId<Persistence> = {
  name: 'persistence',
  create: (system) => new Persistence(system),
};

/**
 * The persistence of one actor system: its journal, snapshot store, serializers, group-commit
 * writer and recovery permits. Created on first use; `system.terminate()` waits for pending writes
 * and then closes both stores.
 */
export class Persistence {
  readonly journal: Journal;
  readonly snapshotStore: SnapshotStore;
  readonly serialization: Serialization;
  readonly settings: PersistenceSettings;
  /** @internal Group commit of every persistent actor's writes. */
  readonly writer: JournalBatcher;
  /** @internal */
  readonly recoveryPermits: RecoveryPermitter;
  private readonly writers = new Map<string, string>();
  private readonly pendingStoreWork = new Set<Promise<unknown>>();
  private readonly inspectors = new Set<InspectionListener>();
  private readonly storedListeners = new Set<() => void>();

  static get(system: ActorSystem): Persistence {
    return system.extension(extensionId);
  }

  constructor(readonly system: ActorSystem) {
    const config: PersistenceConfig = system.config.persistence ?? {};
    this.journal = config.journal ?? new MemoryJournal();
    this.snapshotStore = config.snapshotStore ?? new MemorySnapshotStore();
    if (config.journal === undefined) system.log.info('persistence uses an in-memory journal: events are lost when the process exits');
    this.serialization = new Serialization(config);
    const stashOverflow = config.stashOverflow ?? 'drop';
    if (stashOverflow !== 'drop' && stashOverflow !== 'fail') {
      throw new InvalidArgument('persistence.stashOverflow', stashOverflow, "'drop' or 'fail'");
    }
    this.settings = {
      maxConcurrentRecoveries: requireNumber('persistence.maxConcurrentRecoveries', config.maxConcurrentRecoveries ?? 50, { min: 1, integer: true }),
      recoveryTimeoutMs: requireNumber('persistence.recoveryTimeoutMs', config.recoveryTimeoutMs ?? 30_000, { min: 1 }),
      stashCapacity: requireNumber('persistence.stashCapacity', config.stashCapacity ?? 4096, { min: 0, integer: true }),
      stashOverflow,
      maxWriteBatch: requireNumber('persistence.maxWriteBatch', config.maxWriteBatch ?? 10_000, { min: 1, integer: true }),
      maxConcurrentWrites: requireNumber(
        'persistence.maxConcurrentWrites',
        config.maxConcurrentWrites ?? this.journal.writeConcurrency ?? 1,
        { min: 1, integer: true },
      ),
      terminateTimeoutMs: requireNumber('persistence.terminateTimeoutMs', config.terminateTimeoutMs ?? 5000, { min: 0 }),
      verifySerialization: config.verifySerialization ?? false,
      freezeState: requireBoolean('persistence.freezeState', config.freezeState ?? !isProduction()),
    };
    this.recoveryPermits = new RecoveryPermitter(this.settings.maxConcurrentRecoveries);
    this.writer = new JournalBatcher(
      this.journal,
      this.settings.maxWriteBatch,
      this.settings.maxConcurrentWrites,
      (work) => system.trackPendingWork(work),
      () => this.eventsStored(),
      (flush) => system.atDrainEnd(flush),
    );
    system.registerOnTermination('persistence', () => this.shutdown());
  }

  /** Calls `listener` for every inspection event from now on; returns the unsubscribe function. */
  inspect(listener: InspectionListener): () => void {
    this.inspectors.add(listener);
    return () => this.inspectors.delete(listener);
  }

  /** @internal */
  get isInspected(): boolean {
    return this.inspectors.size > 0;
  }

  /** @internal */
  report(event: InspectionEvent): void {
    for (const listener of this.inspectors) {
      try {
        listener(event);
      } catch (error) {
        this.system.log.error({ err: error, persistenceId: event.persistenceId }, 'persistence inspection listener threw');
      }
    }
  }

  /** @internal Calls `listener` after every journal call that stored events (wakes live queries); returns the unsubscribe function. */
  onEventsStored(listener: () => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  private eventsStored(): void {
    for (const listener of this.storedListeners) {
      try {
        listener();
      } catch (error) {
        this.system.log.error({ err: error }, 'a listener for stored events threw');
      }
    }
  }

  /** @internal Registers the live writer of a persistenceId; a second live actor is refused. */
  claimWriter(persistenceId: string, actorPath: string): void {
    const current = this.writers.get(persistenceId);
    if (current !== undefined && current !== actorPath) throw new DuplicatePersistenceId(persistenceId, current, actorPath);
    this.writers.set(persistenceId, actorPath);
  }

  /** @internal */
  releaseWriter(persistenceId: string, actorPath: string): void {
    if (this.writers.get(persistenceId) === actorPath) this.writers.delete(persistenceId);
  }

  /** @internal Snapshot and delete requests, awaited before the stores close. */
  trackStoreWork<V>(work: Promise<V>): Promise<V> {
    const tracked = this.system.trackPendingWork(work);
    this.pendingStoreWork.add(tracked);
    const forget = () => this.pendingStoreWork.delete(tracked);
    tracked.then(forget, forget);
    return tracked;
  }

  private async shutdown(): Promise<void> {
    const timeoutMs = this.settings.terminateTimeoutMs;
    const work = Promise.all([this.writer.whenIdle(), Promise.allSettled([...this.pendingStoreWork])]);
    const flushed = await settlesWithin(this.system.scheduler, timeoutMs, work);
    if (!flushed) {
      const writes = [...this.writer.unsettledWrites()];
      const shown = writes.slice(0, 20).map(([persistenceId, count]) => `${persistenceId} (${count})`);
      this.system.log.error(
        { pendingWrites: writes.reduce((sum, [, count]) => sum + count, 0), persistenceIds: writes.length, storeRequests: this.pendingStoreWork.size },
        `terminate: after ${timeoutMs} ms the journal had not settled ${writes.length} persistenceIds' writes` +
          (shown.length > 0 ? ` [${shown.join(', ')}${writes.length > shown.length ? ', ...' : ''}]` : '') +
          ` and ${this.pendingStoreWork.size} snapshot/delete requests; they were never acknowledged; closing the stores anyway`,
      );
    }
    this.writer.close(new IllegalPersistenceOperation('*', 'the actor system terminated: the journal is closed'));
    await closeStores(this, this.system.scheduler, this.system.log, timeoutMs);
  }
}
