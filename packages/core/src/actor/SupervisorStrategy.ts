import { InvalidArgument, requireNumber } from '../errors/index.js';

export interface StopStrategy {
  readonly kind: 'stop';
}

export interface ResumeStrategy {
  readonly kind: 'resume';
}

export interface RestartStrategy {
  readonly kind: 'restart';
  /** Restarts allowed within `withinMs`; beyond that the actor stops. Infinity = no limit. */
  readonly maxRestarts: number;
  readonly withinMs: number;
}

export interface BackoffStrategy {
  readonly kind: 'backoff';
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Each delay is multiplied by 1 + random * randomFactor, so restarts of many actors spread out. */
  readonly randomFactor: number;
  /** Running this long without failing resets the delay to `minBackoffMs`. */
  readonly resetBackoffAfterMs: number;
  /** Consecutive restarts before giving up and stopping. Infinity = never give up. */
  readonly maxRestarts: number;
  /** Messages kept while waiting to restart; more go to dead letters. */
  readonly stashCapacity: number;
}

export type SupervisorStrategy = StopStrategy | ResumeStrategy | RestartStrategy | BackoffStrategy;

export interface RestartOptions {
  readonly maxRestarts?: number;
  readonly withinMs?: number;
}

export interface BackoffOptions {
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly randomFactor?: number;
  readonly resetBackoffAfterMs?: number;
  readonly maxRestarts?: number;
  readonly stashCapacity?: number;
}

/**
 * What happens to an actor whose handler throws (or whose Promise rejects). Without supervision an
 * actor stops on failure; `Behaviors.supervise(behavior).onFailure(strategy)` chooses otherwise.
 */
export const SupervisorStrategy = {
  stop(): StopStrategy {
    return { kind: 'stop' };
  },

  /** Keep the current behavior and state; only the failing message is lost. */
  resume(): ResumeStrategy {
    return { kind: 'resume' };
  },

  /** Start again from the supervised behavior, at once; children are stopped first. */
  restart(options: RestartOptions = {}): RestartStrategy {
    const maxRestarts = requireNumber('restart maxRestarts', options.maxRestarts ?? Infinity, {
      min: 0,
      integer: true,
      allowInfinity: true,
    });
    const withinMs = requireNumber('restart withinMs', options.withinMs ?? Infinity, {
      min: 1,
      allowInfinity: true,
    });
    return { kind: 'restart', maxRestarts, withinMs };
  },

  /**
   * Restart after an exponentially growing delay: minBackoffMs, doubled per consecutive failure,
   * capped at maxBackoffMs. Also brings back persistent actors that stopped on a journal failure.
   */
  restartWithBackoff(options: BackoffOptions): BackoffStrategy {
    const minBackoffMs = requireNumber('minBackoffMs', options.minBackoffMs, { min: 1 });
    const maxBackoffMs = requireNumber('maxBackoffMs', options.maxBackoffMs, { min: 1 });
    if (maxBackoffMs < minBackoffMs) {
      throw new InvalidArgument('maxBackoffMs', maxBackoffMs, `>= minBackoffMs (${minBackoffMs})`);
    }
    return {
      kind: 'backoff',
      minBackoffMs,
      maxBackoffMs,
      randomFactor: requireNumber('randomFactor', options.randomFactor ?? 0.2, { min: 0 }),
      resetBackoffAfterMs: requireNumber(
        'resetBackoffAfterMs',
        options.resetBackoffAfterMs ?? minBackoffMs + maxBackoffMs,
        { min: 1 },
      ),
      maxRestarts: requireNumber('maxRestarts', options.maxRestarts ?? Infinity, {
        min: 0,
        integer: true,
        allowInfinity: true,
      }),
      stashCapacity: requireNumber('stashCapacity', options.stashCapacity ?? 1000, { min: 0, integer: true }),
    };
  },
} as const;

/** The delay before the restart following `restartCount` earlier consecutive restarts. */
export function backoffDelay(strategy: BackoffStrategy, restartCount: number, random: number): number {
  const exponential = strategy.minBackoffMs * 2 ** Math.min(restartCount, 52);
  const capped = Math.min(strategy.maxBackoffMs, exponential);
  return Math.round(capped * (1 + random * strategy.randomFactor));
}
