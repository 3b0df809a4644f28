import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ActorSystem } from '../actor/ActorSystem.js';
import { Behaviors } from '../actor/Behaviors.js';
import { within } from '../actor/realClock.test-support.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { storedEvents } from './fixtures/journal.test-support.js';
import { timerFsm, type TimerCommand } from './fixtures/timerFsm.test-support.js';
import type { FsmTransitionEvent } from './FsmTransitionEvent.js';

// The one FSM test on the real clock: a state timeout and a named timer set by one incarnation
// fire in the next one, on the system's real scheduler, no earlier than their stored deadlines.

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.terminate();
  system = undefined;
});

/** A ref that resolves `count` messages as they arrive. */
function collector(sys: ActorSystem, count: number): { ref: ActorRef<string>; all: Promise<string[]> } {
  const received: string[] = [];
  let done: (messages: string[]) => void = () => {};
  const all = new Promise<string[]>((resolve) => (done = resolve));
  const ref = sys.spawn(
    Behaviors.receiveMessage<string>((message) => {
      received.push(message);
      if (received.length === count) done(received);
    }),
  );
  return { ref, all };
}

describe('persistent FSM timers on the real clock', () => {
  it('fire after a restart at their stored wall-clock deadlines', async () => {
    const journal = new MemoryJournal();
    system = ActorSystem.create('fsm-real', { persistence: { journal }, logLevel: 'error' });
    const sys = system;
    const { ref: fired, all } = collector(sys, 2);
    // startTime 0: the fixture reports each firing with its wall-clock time.
    const first = sys.spawn(timerFsm('real-1', { fired, startTime: 0 }));
    first.tell({ type: 'wait', ms: 200 });
    first.tell({ type: 'start', name: 'a', delayMs: 300 });
    first.tell({ type: 'PoisonPill' });
    await within(5000, 'the first incarnation stops', waitForStop(sys, first));

    const stored = (await storedEvents(journal, 'real-1')).map((s) => s.event as FsmTransitionEvent);
    const timeoutAt = stored[0]!.stateTimeoutAt!;
    const timerAt = stored[1]!.started![0]!.fireAt;

    sys.spawn(timerFsm('real-1', { fired, startTime: 0 }));
    const messages = await within(5000, 'both timers firing in the second incarnation', all);
    const at = (prefix: string) => Number(messages.find((m) => m.startsWith(prefix))!.split('@')[1]);
    expect(messages.map((m) => m.split('@')[0])).toEqual(['state-timeout', 'a']);
    expect(at('state-timeout@')).toBeGreaterThanOrEqual(timeoutAt);
    expect(at('a@')).toBeGreaterThanOrEqual(timerAt);
  });
});

function waitForStop(sys: ActorSystem, ref: ActorRef<TimerCommand>): Promise<void> {
  return new Promise((resolve) => {
    sys.spawn(
      Behaviors.setup<never>((ctx) => {
        ctx.watch(ref as ActorRef<never>);
        return Behaviors.receiveSignal((_ctx, signal) => {
          if (signal.type === 'Terminated') resolve();
        });
      }),
    );
  });
}
