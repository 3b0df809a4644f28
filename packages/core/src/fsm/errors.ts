import { EngramError } from '../errors/index.js';

/**
 * A transition named a state the FSM does not define, or the journal holds the FSM in a state the
 * code no longer has (renamed or removed): there is no handler to run.
 */
export class UnknownFsmState extends EngramError {
  override readonly name = 'UnknownFsmState';

  constructor(
    readonly persistenceId: string,
    readonly state: string,
    readonly knownStates: readonly string[],
    context: string,
  ) {
    super(
      `persistentFSM ${JSON.stringify(persistenceId)}: ${context} ${JSON.stringify(state)}, ` +
        `which \`when\` does not define (states: ${knownStates.map((s) => JSON.stringify(s)).join(', ')})`,
    );
  }
}
