import { InternalMessage } from '../../actor/internal/InternalMessage.js';
import type { SelectedSnapshot } from '../../spi/SnapshotStore.js';
import type { PersistenceResponse } from '../responses.js';
import type { WriteOutcome } from './JournalBatcher.js';
import type { WriteSlot } from './WriteSlot.js';

/**
 * The closed set of messages a persistent actor sends itself; phases switch on these classes.
 * Each is stamped with the incarnation that sent it (Akka's writer instanceId): one that arrives
 * after a restart belongs to the previous incarnation and is dropped, so a late store reply never
 * reaches the next incarnation's phases.
 */
export abstract class EngineMessage extends InternalMessage {
  /** Set by `EventsourcedSetup.stamp` (declared, so no initializer runs per message). */
  declare incarnation: object | undefined;
}

export class RecoveryPermitGranted extends EngineMessage {}

/** Picks up work left over when a handler threw and the actor was resumed. */
export class ContinueWork extends EngineMessage {}

export class SnapshotLoaded extends EngineMessage {
  constructor(readonly selected: SelectedSnapshot | undefined) {
    super();
  }
}

export class ReplayDone extends EngineMessage {
  constructor(readonly highestSequenceNr: number) {
    super();
  }
}

/** A recovery step failed (the error is already a RecoveryFailed). */
export class RecoveryStepFailed extends EngineMessage {
  constructor(readonly error: Error) {
    super();
  }
}

/** Checks that recovery still makes progress; `generation` ties it to the phase that armed it. */
export class RecoveryTick extends EngineMessage {
  constructor(readonly generation: number) {
    super();
  }
}

export class WriteDone extends EngineMessage {
  constructor(
    readonly slot: WriteSlot,
    readonly outcome: WriteOutcome,
  ) {
    super();
  }
}

/** A snapshot or delete request finished; `then` runs after the response was handled. */
export class ResponseArrived extends EngineMessage {
  constructor(
    readonly response: PersistenceResponse,
    readonly blocking: boolean,
    readonly then: (() => void) | undefined,
  ) {
    super();
  }
}

/** Asks a running persistent actor for its current state (the test kit uses this; not stamped). */
export class InspectState extends InternalMessage {
  constructor(readonly reply: (state: unknown) => void) {
    super();
  }
}
