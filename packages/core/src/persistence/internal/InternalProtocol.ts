import { InternalMessage } from '../../actor/internal/InternalMessage.js';
import type { SelectedSnapshot } from '../../spi/SnapshotStore.js';
import type { PersistenceResponse } from '../responses.js';
import type { WriteOutcome } from './JournalBatcher.js';
import type { WriteSlot } from './WriteSlot.js';

/** The closed set of messages a persistent actor sends itself; phases switch on these classes. */

export class RecoveryPermitGranted extends InternalMessage {}

export class SnapshotLoaded extends InternalMessage {
  constructor(readonly selected: SelectedSnapshot | undefined) {
    super();
  }
}

export class ReplayDone extends InternalMessage {
  constructor(readonly highestSequenceNr: number) {
    super();
  }
}

/** A recovery step failed (the error is already a RecoveryFailed). */
export class RecoveryStepFailed extends InternalMessage {
  constructor(readonly error: Error) {
    super();
  }
}

/** Checks that recovery still makes progress; `generation` ties it to the phase that armed it. */
export class RecoveryTick extends InternalMessage {
  constructor(readonly generation: number) {
    super();
  }
}

export class WriteDone extends InternalMessage {
  constructor(
    readonly slot: WriteSlot,
    readonly outcome: WriteOutcome,
  ) {
    super();
  }
}

/** A snapshot or delete request finished; `then` runs after the response was handled. */
export class ResponseArrived extends InternalMessage {
  constructor(
    readonly response: PersistenceResponse,
    readonly blocking: boolean,
    readonly then: (() => void) | undefined,
  ) {
    super();
  }
}

/** Asks a running persistent actor for its current state (the test kit uses this). */
export class InspectState extends InternalMessage {
  constructor(readonly reply: (state: unknown) => void) {
    super();
  }
}
