export { UnknownFsmState } from './errors.js';
export type { Fsm, FsmHandler } from './Fsm.js';
export { isFsmTransitionEvent, type FsmTimer, type FsmTransitionEvent } from './FsmTransitionEvent.js';
export { persistentFSM, type FsmAtLeastOnceDelivery, type PersistentFSMSettings } from './persistentFSM.js';
export { StateTimeout } from './StateTimeout.js';
export type { Transition, TransitionKind, TimerChange } from './Transition.js';
