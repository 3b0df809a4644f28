import type { ActorRef } from '../../actor/ActorRef.js';
import type { TimerScheduler } from '../../actor/TimerScheduler.js';
import type { FsmRecord } from './FsmRecord.js';

export const stateTimeoutKey = 'state-timeout';

/** What a timer of the FSM sends the actor itself; turned into the user's message when it arrives. */
export class FsmTick {
  constructor(
    /** `state-timeout`, or `timer:<name>`. */
    readonly key: string,
    readonly generation: number,
  ) {}

  get timerName(): string | undefined {
    return this.key.startsWith('timer:') ? this.key.slice('timer:'.length) : undefined;
  }
}

interface Wanted {
  readonly fireAt: number;
  readonly intervalMs: number | undefined;
}

/**
 * Keeps the actor's real timers in line with the stored record: after recovery and after each
 * stored transition, every deadline in the record has exactly one timer armed for what is left of
 * it. The record is the truth; a tick whose generation is no longer armed is ignored.
 */
export class FsmTimers {
  private readonly armed = new Map<string, { readonly generation: number; readonly signature: string }>();
  private generation = 0;

  constructor(
    private readonly timers: TimerScheduler<FsmTick>,
    private readonly self: ActorRef<FsmTick>,
    private readonly now: () => number,
  ) {}

  isCurrent(tick: FsmTick): boolean {
    return this.armed.get(tick.key)?.generation === tick.generation;
  }

  /** Forgets every timer (a new incarnation recovers and syncs again). */
  reset(): void {
    for (const key of this.armed.keys()) this.timers.cancel(scheduledKey(key));
    this.armed.clear();
  }

  sync(record: FsmRecord<string, unknown>): void {
    const wanted = new Map<string, Wanted>();
    if (record.stateTimeoutAt !== null) wanted.set(stateTimeoutKey, { fireAt: record.stateTimeoutAt, intervalMs: undefined });
    for (const timer of record.timers) wanted.set(`timer:${timer.name}`, { fireAt: timer.fireAt, intervalMs: timer.intervalMs });
    for (const [key, armed] of this.armed) {
      const want = wanted.get(key);
      if (want === undefined || signature(want) !== armed.signature) {
        this.timers.cancel(scheduledKey(key));
        this.armed.delete(key);
      }
    }
    for (const [key, want] of wanted) if (!this.armed.has(key)) this.arm(key, want);
  }

  private arm(key: string, want: Wanted): void {
    const generation = ++this.generation;
    this.armed.set(key, { generation, signature: signature(want) });
    const tick = new FsmTick(key, generation);
    const now = this.now();
    if (want.intervalMs === undefined) {
      // Overdue (it fell due while the actor was down): now, not one more scheduler turn later.
      if (want.fireAt <= now) this.self.tell(tick);
      else this.timers.startSingleTimer(scheduledKey(key), tick, want.fireAt - now);
      return;
    }
    const interval = want.intervalMs;
    // The next point of the timer's cadence from now on.
    const untilNext = want.fireAt >= now ? want.fireAt - now : (interval - ((now - want.fireAt) % interval)) % interval;
    this.timers.startTimerAtFixedRate(scheduledKey(key), tick, interval, untilNext);
  }
}

function signature(want: Wanted): string {
  return `${want.fireAt}/${want.intervalMs ?? ''}`;
}

/** Keys in the actor's timer scheduler, apart from the engine's own. */
function scheduledKey(key: string): string {
  return `engram.fsm:${key}`;
}
