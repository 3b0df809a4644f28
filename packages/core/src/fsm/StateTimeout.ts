/**
 * The message a state handler receives when the state's timeout (`forMax`) runs out. It is sent
 * once per `forMax`: a handler that stays without a new `forMax` ends the timeout.
 */
export interface StateTimeout {
  readonly type: 'StateTimeout';
}

export const StateTimeout: StateTimeout = Object.freeze({ type: 'StateTimeout' });
