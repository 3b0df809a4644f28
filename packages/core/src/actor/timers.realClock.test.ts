import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('a fixedRate timer keeps ticking after the wall clock steps back an hour', async () => {
    system = ActorSystem.create('realClockStep', { logLevel: 'warn' });
    let ticks = 0;
    let stepped!: () => void;
    let resumed!: () => void;
    const threeTicks = new Promise<void>((resolve) => (stepped = resolve));
    const fiveMore = new Promise<void>((resolve) => (resumed = resolve));
    system.spawn(
      ticker('fixedRate', 5, () => {
        ticks++;
        if (ticks === 3) stepped();
        if (ticks === 8) resumed();
      }),
    );
    await within(5_000, '3 ticks of a 5 ms fixedRate timer', threeTicks);
    const realNow = Date.now.bind(Date);
    const spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    try {
      await within(5_000, '5 more ticks after the wall clock stepped back', fiveMore);
    } finally {
      spy.mockRestore();
    }
  });
});
