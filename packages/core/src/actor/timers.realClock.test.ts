import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './ActorSystem.js';
import { Behaviors } from './Behaviors.js';

// The one place where actor timers run on the real clock through the SystemScheduler: a manual
// clock cannot show what the scheduler leaves behind in Node's timer list.

/** Node timers that keep the process alive (unref'd ones are not listed). */
function liveTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

/** `promise`, or a rejection naming `what` after `ms`; its own timer is gone once it settles. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** An actor that starts a periodic timer and reports each tick to `onTick`. */
function ticker(mode: 'fixedDelay' | 'fixedRate', everyMs: number, onTick: () => void) {
  return Behaviors.withTimers<'tick'>((timers) => {
    if (mode === 'fixedDelay') timers.startTimerWithFixedDelay('t', 'tick', everyMs);
    else timers.startTimerAtFixedRate('t', 'tick', everyMs);
    return Behaviors.receiveMessage(() => onTick());
  });
}

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.terminate();
  system = undefined;
});

describe('periodic timers on the SystemScheduler', () => {
  for (const mode of ['fixedDelay', 'fixedRate'] as const) {
    it(`a ${mode} timer keeps a bounded number of Node timers while it ticks, and none after terminate()`, async () => {
      const before = liveTimeouts();
      system = ActorSystem.create('realClock', { logLevel: 'warn' });
      const counts: number[] = [];
      let reached!: () => void;
      const enoughTicks = new Promise<void>((resolve) => (reached = resolve));
      let ticks = 0;
      system.spawn(
        ticker(mode, 5, () => {
          counts.push(liveTimeouts());
          if (++ticks === 40) reached();
        }),
      );
      await within(5_000, `40 ticks of a 5 ms ${mode} timer`, enoughTicks);

      // Seen from a tick: the test's deadline and the lane timer of the actor's timer; a leak would
      // grow with every tick.
      expect(Math.max(...counts) - before).toBeLessThanOrEqual(2);
      expect(liveTimeouts() - before).toBeLessThanOrEqual(1);

      await system.terminate();
      expect(liveTimeouts()).toBeLessThanOrEqual(before);
    });
  }
});
