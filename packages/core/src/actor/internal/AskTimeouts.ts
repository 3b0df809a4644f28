import type { Cancellable, Scheduler } from '../Scheduler.js';
import { RingQueue } from './RingQueue.js';

/** An ask waiting for its reply, as its timeout lane sees it. */
export interface TimedAsk {
  /** When it times out, on the lanes' clock. */
  dueAt: number;
  readonly settled: boolean;
  timedOut(): void;
}

/** The asks of one timeout: they fall due in the order they were made. */
export class AskLane {
  readonly asks = new RingQueue<TimedAsk>();
  /** Asks of the lane not settled yet. */
  live = 0;
  timer: Cancellable | undefined;

  constructor(
    readonly timeoutMs: number,
    /** Runs the lane's due asks (one function per lane, not one per arming). */
    readonly fire: () => void,
  ) {}
}

/** Lanes with no ask in flight kept for reuse; beyond this many they are dropped. */
const idleLanesKept = 32;

/**
 * The timeouts of a system's asks. Asks with the same timeout share a lane: a FIFO of the asks
 * themselves and one task on the system scheduler, armed for the oldest unsettled one. An ask
 * then costs no task, closure or timer of its own (200,000 asks in flight are 200,000 fewer
 * objects for the garbage collector to trace), and the injected clock still drives them.
 */
export class AskTimeouts {
  private readonly lanes = new Map<number, AskLane>();

  constructor(private readonly scheduler: Scheduler) {}

  /** Starts the timeout of `ask`; tell `settled` with the returned lane when it settles first. */
  add(ask: TimedAsk, timeoutMs: number): AskLane {
    let lane = this.lanes.get(timeoutMs);
    if (lane === undefined) {
      const created: AskLane = new AskLane(timeoutMs, () => this.fire(created));
      lane = created;
      this.lanes.set(timeoutMs, lane);
    }
    ask.dueAt = this.now() + timeoutMs;
    lane.asks.push(ask);
    lane.live++;
    if (lane.timer === undefined) this.arm(lane, timeoutMs);
    return lane;
  }

  /** An ask of `lane` settled (replied, failed or timed out). */
  settled(lane: AskLane): void {
    if (--lane.live === 0) {
      // Nothing left to time out: no task keeps the process alive, nothing settled is kept. The
      // lane stays for the next ask (one after another is the common case).
      lane.timer?.cancel();
      lane.timer = undefined;
      lane.asks.clear();
      if (this.lanes.size > idleLanesKept && this.lanes.get(lane.timeoutMs) === lane) this.lanes.delete(lane.timeoutMs);
      return;
    }
    // Settled asks leave from the front, so the lane holds about the asks in flight.
    for (let head = lane.asks.peek(); head?.settled === true; head = lane.asks.peek()) lane.asks.shift();
  }

  private now(): number {
    return this.scheduler.monotonicNow?.() ?? this.scheduler.now();
  }

  private arm(lane: AskLane, inMs: number): void {
    lane.timer = this.scheduler.schedule(Math.max(0, Math.ceil(inMs)), lane.fire);
  }

  private fire(lane: AskLane): void {
    lane.timer = undefined;
    const now = this.now();
    for (let head = lane.asks.peek(); head !== undefined; head = lane.asks.peek()) {
      if (!head.settled && head.dueAt > now) break;
      lane.asks.shift();
      if (!head.settled) head.timedOut();
    }
    const next = lane.asks.peek();
    if (next !== undefined && lane.live > 0) this.arm(lane, next.dueAt - now);
  }
}
