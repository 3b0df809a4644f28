import { EngramError } from '../errors/index.js';

/** The faults a FaultInjectingJournal or FaultInjectingSnapshotStore can inject. */
export type FaultKind =
  | 'failWrite'
  | 'rejectWrite'
  | 'failReplay'
  | 'failHighestSequenceNr'
  | 'failDelete'
  | 'failSave'
  | 'failLoad'
  | 'failSnapshotDelete';

/**
 * The error a fault-injecting store raises when the test gave no error of its own. Its message
 * names the fault, the persistenceId and the operation, so a test failure points at the fault.
 */
export class InjectedFault extends EngramError {
  override readonly name = 'InjectedFault';

  constructor(
    readonly fault: FaultKind,
    readonly persistenceId: string,
    detail: string,
  ) {
    super(`injected fault ${fault} for persistenceId ${JSON.stringify(persistenceId)}: ${detail}`);
  }
}
