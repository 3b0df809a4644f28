import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from './ActorSystem.js';
import { Behaviors } from './Behaviors.js';
import { liveTimeouts, within } from './realClock.test-support.js';

// The one place where actor timers run on the real clock through the SystemScheduler: a manual
// clock cannot show what the scheduler leaves behind in Node's timer list.

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
