import type { UnconfirmedDelivery } from './AtLeastOnceDeliverySnapshot.js';

/**
 * Sent to the delivering actor itself when deliveries stay unconfirmed after
 * `warnAfterNumberOfUnconfirmedAttempts` attempts (once per delivery and incarnation). The
 * deliveries are still redelivered; confirm them to stop that (e.g. to give up on a destination).
 */
export interface UnconfirmedWarning {
  readonly type: 'UnconfirmedWarning';
  readonly unconfirmedDeliveries: readonly UnconfirmedDelivery[];
}

/** The timer message of the `eventSourced` helper: hand it to `redeliver` in the command handler. */
export interface RedeliveryTick {
  readonly type: 'RedeliveryTick';
}

export const RedeliveryTick: RedeliveryTick = Object.freeze({ type: 'RedeliveryTick' });
