import type { FsmTimer, FsmTransitionEvent } from '../FsmTransitionEvent.js';
import { fsmTransitionType, isFsmTransitionEvent } from '../FsmTransitionEvent.js';
import type { TransitionImpl } from '../Transition.js';

/** The state and timeout of the last non-transient state: where recovery ends after transient ones. */
export interface StableState<S extends string> {
  readonly stateName: S;
  readonly stateTimeoutAt: number | null;
}

/**
 * Everything a persistent FSM recovers, folded from its events and stored whole in its snapshots:
 * state name, data, the state timeout's deadline and the pending named timers.
 */
export interface FsmRecord<S extends string, D> {
  readonly stateName: S;
  readonly data: D;
  readonly stateTimeoutAt: number | null;
  readonly timers: readonly FsmTimer[];
  readonly stable: StableState<S>;
  /** Transition events folded so far: tells whether a transient-state revert still applies. */
  readonly transitions: number;
}

/** A timer message that reached the handler, so the transition records it as handled. */
export type FiredTimer = { readonly kind: 'stateTimeout' } | { readonly kind: 'timer'; readonly name: string; readonly repeat: boolean };

export function initialRecord<S extends string, D>(stateName: S, data: D): FsmRecord<S, D> {
  return { stateName, data, stateTimeoutAt: null, timers: [], stable: { stateName, stateTimeoutAt: null }, transitions: 0 };
}

/** One stored event applied to the record: domain events go to `applyEvent`, transition events to the FSM part. */
export function foldRecord<S extends string, D, E>(
  record: FsmRecord<S, D>,
  event: E | FsmTransitionEvent,
  applyEvent: (event: E, data: D) => D,
  isTransient: (state: string) => boolean,
): FsmRecord<S, D> {
  if (!isFsmTransitionEvent(event)) return { ...record, data: applyEvent(event as E, record.data) };
  const stateName = event.state as S;
  const { stateTimeoutAt } = event;
  const dropped = new Set([...(event.fired === undefined ? [] : [event.fired]), ...(event.cancelled ?? [])]);
  const started = event.started ?? [];
  for (const timer of started) dropped.add(timer.name);
  return {
    stateName,
    data: record.data,
    stateTimeoutAt,
    timers: [...record.timers.filter((timer) => !dropped.has(timer.name)), ...started],
    stable: isTransient(stateName) ? record.stable : { stateName, stateTimeoutAt },
    transitions: record.transitions + 1,
  };
}

/**
 * The transition event a handler's transition needs, or undefined when it changes nothing the FSM
 * stores besides its domain events (a plain `stay()`). `now` is wall-clock ms.
 */
export function transitionEvent<S extends string, D, E, C>(
  record: FsmRecord<S, D>,
  transition: TransitionImpl<S, E, D, C>,
  now: number,
  fired: FiredTimer | undefined,
): FsmTransitionEvent | undefined {
  const isGoto = transition.kind === 'goto';
  const state = isGoto ? transition.target! : record.stateName;
  // A timeout belongs to the state it was set in; the one that just fired is used up.
  let stateTimeoutAt = isGoto || fired?.kind === 'stateTimeout' ? null : record.stateTimeoutAt;
  if (transition.timeoutMs !== undefined) stateTimeoutAt = transition.timeoutMs === Infinity ? null : now + transition.timeoutMs;

  const active = new Set(record.timers.map((timer) => timer.name));
  const firedName = fired?.kind === 'timer' && !fired.repeat ? fired.name : undefined;
  if (firedName !== undefined) active.delete(firedName);
  const cancelled: string[] = [];
  let started: FsmTimer[] = [];
  for (const change of transition.timerChanges) {
    started = started.filter((timer) => timer.name !== change.name);
    if (change.kind === 'start') {
      const timer: FsmTimer = { name: change.name, message: change.message, fireAt: now + change.delayMs };
      started.push(change.repeat ? { ...timer, intervalMs: change.delayMs } : timer);
    } else if (active.delete(change.name)) {
      cancelled.push(change.name);
    }
  }

  const changed =
    isGoto ||
    transition.timeoutMs !== undefined ||
    stateTimeoutAt !== record.stateTimeoutAt ||
    firedName !== undefined ||
    cancelled.length > 0 ||
    started.length > 0;
  if (!changed) return undefined;
  return {
    type: fsmTransitionType,
    state,
    stateTimeoutAt,
    ...(firedName === undefined ? {} : { fired: firedName }),
    ...(cancelled.length === 0 ? {} : { cancelled }),
    ...(started.length === 0 ? {} : { started }),
  };
}
