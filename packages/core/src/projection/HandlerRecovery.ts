import { requireNumber } from '../errors/index.js';

/**
 * What a projection does when its handler throws on an envelope (or group). Every failure is
 * logged with the projection's name and the envelope's id (`persistenceId:sequenceNr`).
 * - `fail`: the run fails and restarts from the stored offset, with backoff.
 * - `skip`: the envelope is passed over; its offset is stored (exactly-once: without the handler's writes).
 * - `retryAndFail` / `retryAndSkip`: up to `retries` more attempts, `delayMs` apart on the
 *   system's clock, then fail or skip.
 */
export type HandlerRecoveryStrategy =
  | { readonly kind: 'fail' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'retryAndFail'; readonly retries: number; readonly delayMs: number }
  | { readonly kind: 'retryAndSkip'; readonly retries: number; readonly delayMs: number };

export const HandlerRecovery = {
  /** The default: the run fails and restarts from its stored offset. */
  fail(): HandlerRecoveryStrategy {
    return { kind: 'fail' };
  },

  /** Pass over the failing envelope and go on. */
  skip(): HandlerRecoveryStrategy {
    return { kind: 'skip' };
  },

  /** Retry `retries` times, `delayMs` apart, then fail the run. */
  retryAndFail(retries: number, delayMs: number): HandlerRecoveryStrategy {
    return { kind: 'retryAndFail', ...retrySettings(retries, delayMs) };
  },

  /** Retry `retries` times, `delayMs` apart, then pass over the envelope. */
  retryAndSkip(retries: number, delayMs: number): HandlerRecoveryStrategy {
    return { kind: 'retryAndSkip', ...retrySettings(retries, delayMs) };
  },
} as const;

function retrySettings(retries: number, delayMs: number): { readonly retries: number; readonly delayMs: number } {
  return {
    retries: requireNumber('handler recovery retries', retries, { min: 1, integer: true }),
    delayMs: requireNumber('handler recovery delayMs', delayMs, { min: 0 }),
  };
}

/** Retries left after `attempts` attempts. */
export function retriesLeft(strategy: HandlerRecoveryStrategy, attempts: number): number {
  return strategy.kind === 'retryAndFail' || strategy.kind === 'retryAndSkip' ? Math.max(0, strategy.retries + 1 - attempts) : 0;
}
