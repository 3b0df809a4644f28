import type { SuperviseBehavior } from '../Behavior.js';
import { backoffDelay } from '../SupervisorStrategy.js';

export type SupervisorDecision =
  | { readonly action: 'stop'; readonly reason: string }
  | { readonly action: 'resume'; readonly reason: string }
  | { readonly action: 'restart'; readonly reason: string; readonly delayMs: number; readonly stashCapacity: number };

/** One `Behaviors.supervise` layer of a running actor, with the restart history it needs. */
export class SupervisorFrame {
  /** Consecutive backoff restarts since the last stable period. */
  private restartCount = 0;
  /** Start times of recent plain restarts, for `maxRestarts` within `withinMs`. */
  private recentRestarts: number[] = [];

  constructor(
    readonly node: SuperviseBehavior<unknown>,
    private startedAt: number,
  ) {}

  started(now: number): void {
    this.startedAt = now;
  }

  decide(
    error: Error,
    duringStart: boolean,
    hasBehavior: boolean,
    env: { readonly scheduler: { now(): number }; readonly random: () => number },
  ): SupervisorDecision {
    const strategy = this.node.strategy;
    const now = env.scheduler.now();
    switch (strategy.kind) {
      case 'stop':
        return { action: 'stop', reason: 'failed; stopping (supervisor strategy stop)' };
      case 'resume':
        if (duringStart || !hasBehavior) {
          return { action: 'stop', reason: 'failed while starting, nothing to resume; stopping' };
        }
        return { action: 'resume', reason: 'failed; resuming with the current behavior' };
      case 'restart': {
        if (duringStart) {
          return {
            action: 'stop',
            reason: 'failed while starting; stopping (restartWithBackoff retries failed starts)',
          };
        }
        this.recentRestarts = this.recentRestarts.filter((at) => now - at < strategy.withinMs);
        if (this.recentRestarts.length >= strategy.maxRestarts) {
          return {
            action: 'stop',
            reason: `failed; already restarted ${this.recentRestarts.length} times within ${strategy.withinMs} ms, stopping`,
          };
        }
        this.recentRestarts.push(now);
        return { action: 'restart', reason: 'failed; restarting', delayMs: 0, stashCapacity: 0 };
      }
      case 'backoff': {
        if (now - this.startedAt >= strategy.resetBackoffAfterMs) this.restartCount = 0;
        if (this.restartCount >= strategy.maxRestarts) {
          return { action: 'stop', reason: `failed; gave up after ${this.restartCount} restarts, stopping` };
        }
        const delayMs = backoffDelay(strategy, this.restartCount, env.random());
        this.restartCount++;
        return {
          action: 'restart',
          reason: `failed; restarting in ${delayMs} ms (restart ${this.restartCount} with backoff)`,
          delayMs,
          stashCapacity: strategy.stashCapacity,
        };
      }
    }
  }
}
