/** A named timer as stored: what it sends and when (wall-clock ms). */
export interface FsmTimer {
  readonly name: string;
  readonly message: unknown;
  /** When it fires (first, for a repeating timer). */
  readonly fireAt: number;
  /** Set for a timer that repeats on a fixed cadence. */
  readonly intervalMs?: number;
}

export const fsmTransitionType = 'engram.fsm.Transition';

/**
 * Stored by a persistent FSM after the domain events of a transition that changed its state, its
 * state timeout or its timers (a `stay()` that only applies events stores none). It holds the
 * whole state name and timeout deadline, so recovery needs no other record of them. Read-side
 * consumers of an FSM's events see these between the domain events: skip them with
 * `isFsmTransitionEvent`.
 */
export interface FsmTransitionEvent {
  readonly type: typeof fsmTransitionType;
  readonly state: string;
  /** Wall-clock ms the state timeout fires at; null for none. */
  readonly stateTimeoutAt: number | null;
  /** The single timer whose message this transition handled (it will not fire again). */
  readonly fired?: string;
  readonly cancelled?: readonly string[];
  /** Timers started (each replaces a running timer of its name). */
  readonly started?: readonly FsmTimer[];
}

export function isFsmTransitionEvent(event: unknown): event is FsmTransitionEvent {
  return typeof event === 'object' && event !== null && (event as { type?: unknown }).type === fsmTransitionType;
}
