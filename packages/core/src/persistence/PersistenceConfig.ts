import type { SerializationConfig } from '../serialization/index.js';
import type { Journal } from '../spi/Journal.js';
import type { SnapshotStore } from '../spi/SnapshotStore.js';

/** `ActorSystem.create(name, { persistence: { ... } })`. Every field is optional. */
export interface PersistenceConfig extends SerializationConfig {
  /** Where events go. Default: a MemoryJournal (lost when the process exits). */
  readonly journal?: Journal;
  /** Where snapshots go. Default: a MemorySnapshotStore. */
  readonly snapshotStore?: SnapshotStore;
  /** Recoveries that may read the stores at once; more wait their turn. Default 50. */
  readonly maxConcurrentRecoveries?: number;
  /**
   * A recovery step that makes no progress for this long fails with RecoveryTimedOut (checked once
   * per period, so it fails between one and two periods after the last progress). Default 30 s.
   */
  readonly recoveryTimeoutMs?: number;
  /** Commands an actor keeps while recovering or persisting. Default 4096. */
  readonly stashCapacity?: number;
  /** When the stash is full: drop the command to dead letters (default) or fail the actor. */
  readonly stashOverflow?: 'drop' | 'fail';
  /** Most AtomicWrites in one journal call (one group commit). Default 10,000. */
  readonly maxWriteBatch?: number;
  /** Journal calls in flight at once. Default: the journal's `writeConcurrency`, else 1. */
  readonly maxConcurrentWrites?: number;
  /**
   * How long `system.terminate()` waits for pending writes and store requests, and then for the
   * stores to close. Past it, what was still pending (ids and write counts) is logged as an error
   * and the stores are closed anyway: those writes were never acknowledged. Default 5000 ms.
   */
  readonly terminateTimeoutMs?: number;
  /**
   * Before storing an event, read it back (serializer and event adapter) and reject it if it does
   * not come back equal. Costs a round trip per event: meant for tests (the test kit turns it on).
   */
  readonly verifySerialization?: boolean;
  /**
   * Deep-freeze `emptyState`, every state an `eventSourced` actor hands its handlers, and the
   * events its event handler gets (plain objects, arrays, Maps and Sets), so a handler that
   * changes them (`state.items.push(x); return state`) fails at once with a TypeError, named in
   * an EventHandlerFailed, instead of leaking changes into `emptyState` and every actor that
   * shares it. Default: on unless `process.env.NODE_ENV` is `'production'` (read once, when the
   * system's persistence starts); the test kit turns it on.
   */
  readonly freezeState?: boolean;
}

declare module '../actor/ActorSystem.js' {
  interface ActorSystemConfig {
    /** Stores and settings of persistent actors. */
    readonly persistence?: PersistenceConfig;
  }
}
