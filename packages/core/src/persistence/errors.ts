import { EngramError } from '../errors/index.js';
import type { NotSerializable } from '../serialization/errors.js';

function pidText(persistenceId: string): string {
  return JSON.stringify(persistenceId);
}

/** A cause's text for the message of an error that already names the persistenceId and sequence nr. */
function causeText(cause: unknown): string {
  if (cause instanceof EventNotSerializable || cause instanceof EventHandlerFailed) return cause.detail;
  return (cause as Error)?.message ?? String(cause);
}

/**
 * The journal failed to store events (storage down, connection lost). The actor stops; a backoff
 * supervisor brings it back, and recovery shows exactly what was stored.
 */
export class JournalFailure extends EngramError {
  override readonly name = 'JournalFailure';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      `journal failed to persist event ${eventType} (sequence nr ${sequenceNr}) of persistenceId ${pidText(persistenceId)}; ` +
        `the actor stops: ${(cause as Error)?.message ?? String(cause)}`,
      cause,
    );
  }
}

/** One event was refused (could not be serialized, too large): not stored; the actor goes on. */
export class EventRejected extends EngramError {
  override readonly name = 'EventRejected';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      `event ${eventType} (sequence nr ${sequenceNr}) of persistenceId ${pidText(persistenceId)} was rejected and not stored: ` +
        causeText(cause),
      cause,
    );
  }
}

/**
 * The event serializer cannot store an event faithfully (with the default JSON serializer: a
 * Date, Map, Set, class instance, bigint, NaN, function, undefined in an array, a cycle). The
 * cause of an EventRejected: the event is not stored and the actor goes on.
 */
export class EventNotSerializable extends EngramError {
  override readonly name = 'EventNotSerializable';
  /** Where inside the event, e.g. `event.items[2].at`; undefined when the serializer does not say. */
  readonly path: string | undefined;
  /** The message without the event's identity (what an EventRejected around it shows). */
  readonly detail: string;

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly eventType: string,
    cause: NotSerializable,
  ) {
    const reason = cause.reasonAt('event');
    const hint = '(use plain data, or an event adapter that converts it)';
    super(
      `event ${eventType} (sequence nr ${sequenceNr}) of persistenceId ${pidText(persistenceId)} cannot be stored ` +
        `faithfully by the ${cause.serializer} serializer: ${reason} ${hint}`,
      cause,
    );
    this.path = cause.path === undefined ? undefined : `event${cause.path}`;
    this.detail = `the ${cause.serializer} serializer cannot store it faithfully: ${reason} ${hint}`;
  }
}

/**
 * The snapshot serializer cannot store a state faithfully (see EventNotSerializable). The snapshot
 * is not saved (a SnapshotFailed signal, a SaveSnapshotFailure response); events still are.
 */
export class SnapshotNotSerializable extends EngramError {
  override readonly name = 'SnapshotNotSerializable';
  /** Where inside the state, e.g. `snapshot.seen`; undefined when the serializer does not say. */
  readonly path: string | undefined;

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    cause: NotSerializable,
  ) {
    super(
      `the snapshot at sequence nr ${sequenceNr} of persistenceId ${pidText(persistenceId)} cannot be stored faithfully ` +
        `by the ${cause.serializer} serializer: ${cause.reasonAt('snapshot')} (keep the state plain data, or store ` +
        `snapshots with the V8 serializer, persistence.snapshotSerializer: 2, which keeps Map, Set, Date and bigint)`,
      cause,
    );
    this.path = cause.path === undefined ? undefined : `snapshot${cause.path}`;
  }
}

/**
 * Why the events of an effect were not stored, as `Effect.onFailure` hands it over: switch on
 * `error.name`. After an EventRejected the actor goes on; after a JournalFailure it stops (or
 * restarts under `onPersistFailure`); after an EventHandlerFailed it fails (the event handler
 * threw on the events before they were written). Each names the persistenceId, the sequence nr
 * and the event type, and keeps the store's, serializer's or handler's error as `cause`.
 */
export type PersistFailure = EventRejected | JournalFailure | EventHandlerFailed;

/**
 * The event handler threw on an event: before the event was written (it is never stored, and the
 * actor fails with this), or while recovery replayed it (the cause of a RecoveryFailed). When
 * states are frozen (persistence.freezeState, on unless NODE_ENV is production) and the handler
 * tried to change the state or event it was given, the message says so.
 */
export class EventHandlerFailed extends EngramError {
  override readonly name = 'EventHandlerFailed';
  /** The message without the persistenceId (what a RecoveryFailed around it shows). */
  readonly detail: string;

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly eventType: string,
    readonly phase: 'persist' | 'recovery',
    /** True when the handler failed writing to a frozen state or event. */
    readonly changedFrozen: boolean,
    cause: unknown,
  ) {
    const hint = changedFrozen
      ? '; it changed the state or event it was given, which are frozen in development (persistence.freezeState, ' +
        'on unless NODE_ENV is production): return a new state instead, e.g. { ...state, items: [...state.items, item] }'
      : '';
    const reason = `${(cause as Error)?.message ?? String(cause)}${hint}`;
    const when = phase === 'persist' ? 'before it was stored' : 'during recovery';
    super(
      `the event handler threw on event ${eventType} (sequence nr ${sequenceNr}) of persistenceId ${pidText(persistenceId)} ${when}: ${reason}`,
      cause,
    );
    this.detail = `the event handler threw on event ${eventType}: ${reason}`;
  }
}

/**
 * Recovery could not rebuild the state: the snapshot or an event could not be read (unknown
 * manifest, unparsable payload), the event handler threw, or the store failed. Nothing on disk
 * was changed.
 */
export class RecoveryFailed extends EngramError {
  override readonly name = 'RecoveryFailed';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number | undefined,
    readonly manifest: string | undefined,
    cause: unknown,
    what = 'event',
  ) {
    const where =
      sequenceNr === undefined
        ? ''
        : ` at ${what} sequence nr ${sequenceNr}` + (manifest === undefined ? '' : ` (manifest ${JSON.stringify(manifest)})`);
    super(`recovery of persistenceId ${pidText(persistenceId)} failed${where}: ${causeText(cause)}`, cause);
  }
}

/** A recovery phase made no progress for `timeoutMs` (the store is hanging). */
export class RecoveryTimedOut extends EngramError {
  override readonly name = 'RecoveryTimedOut';

  constructor(
    readonly persistenceId: string,
    readonly phase: string,
    readonly timeoutMs: number,
  ) {
    super(`recovery of persistenceId ${pidText(persistenceId)} made no progress for ${timeoutMs} ms in phase ${phase}`);
  }
}

/** Two live actors of one system were given the same persistenceId. */
export class DuplicatePersistenceId extends EngramError {
  override readonly name = 'DuplicatePersistenceId';

  constructor(
    readonly persistenceId: string,
    readonly liveActor: string,
    readonly newActor: string,
  ) {
    super(
      `persistenceId ${pidText(persistenceId)} is already used by the live actor ${liveActor}; ` +
        `${newActor} cannot write it too (one writer per persistenceId)`,
    );
  }
}

/** A persistence API was used where it is not allowed (e.g. persist during recovery). */
export class IllegalPersistenceOperation extends EngramError {
  override readonly name = 'IllegalPersistenceOperation';

  constructor(
    readonly persistenceId: string,
    reason: string,
  ) {
    super(`persistenceId ${pidText(persistenceId)}: ${reason}`);
  }
}

/** A journal broke the SPI contract (e.g. returned a result array of the wrong length). */
export class JournalContractViolation extends EngramError {
  override readonly name = 'JournalContractViolation';

  constructor(reason: string) {
    super(`the journal broke the plugin contract: ${reason}`);
  }
}
