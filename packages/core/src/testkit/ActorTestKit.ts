import type { ActorRef } from '../actor/ActorRef.js';
import { ActorSystem, type ActorSystemConfig } from '../actor/ActorSystem.js';
import type { Behavior } from '../actor/Behavior.js';
import type { DeadLetter } from '../actor/DeadLetters.js';
import { ConsoleLogger } from '../actor/Logger.js';
import { LogCapture } from './LogCapture.js';
import { ManualScheduler } from './ManualScheduler.js';
import { TestProbe } from './TestProbe.js';

export interface ActorTestKitOptions {
  readonly name?: string;
  /** System settings; the scheduler, logger and random are the test kit's own. */
  readonly config?: Omit<ActorSystemConfig, 'scheduler' | 'logger' | 'random'>;
  /** Randomness of backoff jitter; default `() => 0`, so delays are exactly min * 2^n. */
  readonly random?: () => number;
  /** Also print log lines (they are always captured in `logs`). */
  readonly echoLogs?: boolean;
  /**
   * Work the test keeps pending on purpose (e.g. a journal call held at a gate): `settle` counts
   * the system as idle when no more than this is in flight, instead of waiting for it.
   */
  readonly heldWork?: () => number;
}

/**
 * An actor system for tests: a manual clock (`advance`), captured logs, recorded dead letters, and
 * probes that wait for the system to be idle instead of sleeping.
 */
export class ActorTestKit {
  readonly system: ActorSystem;
  readonly clock: ManualScheduler;
  readonly logs: LogCapture;
  readonly deadLetters: DeadLetter[] = [];
  private readonly heldWork: (() => number) | undefined;

  private constructor(options: ActorTestKitOptions) {
    this.heldWork = options.heldWork;
    this.clock = new ManualScheduler();
    this.logs = new LogCapture([], {}, options.echoLogs ? new ConsoleLogger({ level: 'debug' }) : undefined);
    this.system = ActorSystem.create(options.name ?? 'test', {
      ...options.config,
      scheduler: this.clock,
      logger: this.logs,
      random: options.random ?? (() => 0),
    } as ActorSystemConfig);
    this.clock.setSettle(() => this.settle());
    this.system.deadLetters.subscribe((deadLetter) => this.deadLetters.push(deadLetter));
  }

  static create(options: ActorTestKitOptions = {}): ActorTestKit {
    return new ActorTestKit(options);
  }

  spawn<T>(behavior: Behavior<T>, name?: string): ActorRef<T> {
    return this.system.spawn(behavior, name);
  }

  createTestProbe<T>(name?: string): TestProbe<T> {
    return new TestProbe<T>(this.system, () => this.settle(), name);
  }

  /** Moves the manual clock forward, running due timers and letting actors react to each. */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /** Waits until every actor is idle and no tracked I/O is in flight (beyond `heldWork`). */
  async settle(): Promise<void> {
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const held = this.heldWork;
    // Work can be handed on through setImmediate (e.g. a batch flush), so idle must hold across a
    // macrotask turn before it counts.
    for (;;) {
      if (held === undefined) await this.system.whenIdle();
      else while (!this.system.isQuiet(held())) await turn();
      await turn();
      if (held === undefined ? this.system.isIdle : this.system.isQuiet(held())) return;
    }
  }

  shutdown(): Promise<void> {
    return this.system.terminate();
  }
}
