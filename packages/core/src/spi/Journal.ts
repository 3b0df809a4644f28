import type { JournalReader } from './JournalReader.js';
import type { AtomicWrite, PersistentRepr } from './PersistentRepr.js';

/**
 * The journal plugin SPI: four async methods, as in Akka Persistence, and optional ones a store
 * implements where it can do the same work cheaper (`replayForRecovery`).
 *
 * Failure versus rejection:
 * - A rejected promise is a storage *failure* (disk gone, connection lost). Every writer in the
 *   call stops; its supervisor decides when it comes back. Nothing may be half-applied per write.
 * - An `Error` in the resolved array *rejects* that one AtomicWrite (it was not stored, e.g. too
 *   large); the writer is told and goes on. The other writes of the call are unaffected.
 * - A `SequenceConflict` in the array means another writer owns that persistenceId: not stored,
 *   and the engine stops that writer (only that one).
 *
 * Call order the engine guarantees (and the TCK exercises): for one persistenceId, at most one
 * `writeMessages` containing it is in flight at a time, and its sequence numbers ascend: each
 * AtomicWrite holds consecutive numbers, starting above every number the engine used before.
 * Different persistenceIds are written concurrently, usually in one call (group commit), and a
 * plugin should store one call in one transaction where it can.
 *
 * Sequence numbers are assigned by the engine, and those of a rejected write are not reused: the
 * next write of that id starts after them, so the stored numbers of an id can have gaps (TCK case
 * 16: of [6, 7 rejected, 8], 6 and 8 are stored and 7 never is). A store accepts every write that
 * starts above the highest sequence nr it ever stored for the id, gap or not, and answers any
 * other with `SequenceConflict`: a gap is never filled later, and a deleted number stays taken.
 */
export interface Journal {
  /**
   * Stores each AtomicWrite atomically. Resolves with one entry per write, in order:
   * `undefined` when stored, an Error when that write was rejected. Once a write of an id gets
   * `SequenceConflict`, every later write of that id in the same call gets it too and is not
   * stored: it would land after another writer's events.
   */
  writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]>;

  /**
   * Calls `onEvent` for the stored events of `persistenceId` with `from <= sequenceNr <= to`, in
   * ascending order, at most `max` of them, then resolves. `to` and `max` may be `Infinity`.
   * Deleted events are not replayed. Must stream: never hold the whole range in memory.
   * `onEvent` is synchronous; an exception it throws rejects the returned promise and ends the replay.
   */
  replayMessages(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<void>;

  /**
   * The highest sequence nr ever stored for the id (0 when none), also after its events were
   * deleted. `fromSequenceNr` is a hint: the caller knows nothing lower matters.
   */
  readHighestSequenceNr(persistenceId: string, fromSequenceNr: number): Promise<number>;

  /**
   * Optional: what recovery reads, in one call, for a store that can do it in fewer round trips
   * than the two calls. It must be equivalent to
   * ```ts
   * const highest = await journal.readHighestSequenceNr(persistenceId, fromSequenceNr);
   * await journal.replayMessages(persistenceId, fromSequenceNr, Math.min(toSequenceNr, highest), max, onEvent);
   * return highest;
   * ```
   * It calls `onEvent` for the stored events with `from <= sequenceNr <= min(to, highest)`, in
   * ascending order, at most `max` of them (`max` may be 0: then it only reads the highest), and
   * resolves with the highest sequence nr ever stored for the id: 0 when none, never lowered by
   * deletes, and never below an event it delivered. Deleted events are not replayed. It streams
   * like `replayMessages`, and an exception from `onEvent` rejects the promise with that same
   * exception and ends the replay. Without it the engine makes the two calls.
   */
  replayForRecovery?(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<number>;

  /**
   * Deletes the events up to and including `toSequenceNr` (may be `Infinity`). Never lowers the
   * highest sequence nr: the next event after a full delete is still `highest + 1`.
   */
  deleteMessagesTo(persistenceId: string, toSequenceNr: number): Promise<void>;

  /** Releases connections and files. Called once by `ActorSystem.terminate()` after the last write. */
  close?(): Promise<void>;

  /**
   * How many `writeMessages` calls the engine may have in flight at once (default 1). A store with a
   * connection pool says how many it can use; an embedded store that serializes writers says 1.
   */
  readonly writeConcurrency?: number;

  /**
   * The store's query side, sharing the journal's connections: what `PersistenceQuery` reads.
   * Absent when the store cannot be queried.
   */
  readonly reader?: JournalReader | undefined;
}
