import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Behaviors } from './Behaviors.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

type Cmd =
  | { type: 'single'; delay: number }
  | { type: 'delay'; every: number }
  | { type: 'rate'; every: number }
  | { type: 'cancel' }
  | { type: 'tick'; label: string };

function ticker(out: { tell(m: string): void }, now: () => number) {
  return Behaviors.withTimers<Cmd>((timers) =>
    Behaviors.receiveMessage((cmd) => {
      switch (cmd.type) {
        case 'single':
          return timers.startSingleTimer('t', { type: 'tick', label: 'single' }, cmd.delay);
        case 'delay':
          return timers.startTimerWithFixedDelay('t', { type: 'tick', label: 'delay' }, cmd.every);
        case 'rate':
          return timers.startTimerAtFixedRate('t', { type: 'tick', label: 'rate' }, cmd.every);
        case 'cancel':
          timers.cancel('t');
          return out.tell(`active ${timers.isTimerActive('t')}`);
        case 'tick':
          return out.tell(`${cmd.label} at ${now()}`);
      }
    }),
  );
}

describe('timers (manual clock)', () => {
  it('a single timer fires once, after its delay', async () => {
    kit = ActorTestKit.create();
    const t0 = kit.clock.now();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(ticker(probe.ref, () => kit.clock.now()));
    ref.tell({ type: 'single', delay: 500 });
    await kit.advance(499);
    await probe.expectNoMessage();
    await kit.advance(1);
    await probe.expectMessage(`single at ${t0 + 500}`);
    await kit.advance(5000);
    await probe.expectNoMessage();
  });

  it('fixed-delay and fixed-rate timers repeat until cancelled', async () => {
    for (const type of ['delay', 'rate'] as const) {
      kit = ActorTestKit.create();
      const t0 = kit.clock.now();
      const probe = kit.createTestProbe<string>();
      const ref = kit.spawn(ticker(probe.ref, () => kit.clock.now()));
      ref.tell({ type, every: 100 });
      await kit.advance(350);
      expect(await probe.receiveMessages(3)).toEqual([100, 200, 300].map((d) => `${type} at ${t0 + d}`));
      ref.tell({ type: 'cancel' });
      await probe.expectMessage('active false');
      await kit.advance(1000);
      await probe.expectNoMessage();
      await kit.shutdown();
    }
  });

  it('restarting a timer with the same key replaces it', async () => {
    kit = ActorTestKit.create();
    const t0 = kit.clock.now();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(ticker(probe.ref, () => kit.clock.now()));
    ref.tell({ type: 'single', delay: 100 });
    await kit.advance(50);
    ref.tell({ type: 'single', delay: 100 });
    await kit.advance(100);
    await probe.expectMessage(`single at ${t0 + 150}`);
    await probe.expectNoMessage();
  });

  it('a timer message already queued when the timer is cancelled is not delivered', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.withTimers<string>((timers) =>
        Behaviors.receiveMessage(async (m) => {
          if (m === 'start') return timers.startSingleTimer('t', 'fired', 10);
          if (m === 'slow') {
            // While this handler runs, the timer fires and its message waits in the mailbox.
            // (The clock must not wait for the system to go idle here: this actor is busy.)
            kit.clock.setSettle(() => Promise.resolve());
            await kit.clock.advance(10);
            kit.clock.setSettle(() => kit.settle());
            timers.cancel('t');
            return;
          }
          probe.ref.tell(m);
        }),
      ),
    );
    ref.tell('start');
    ref.tell('slow');
    ref.tell('after');
    await probe.expectMessage('after');
    await probe.expectNoMessage();
  });

  it('timers are cancelled when the actor stops', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.withTimers<string>((timers) => {
        timers.startTimerAtFixedRate('t', 'tick', 10);
        return Behaviors.receiveMessage((m) => (m === 'stop' ? Behaviors.stopped : probe.ref.tell(m)));
      }),
    );
    await kit.advance(10);
    await probe.expectMessage('tick');
    ref.tell('stop');
    await kit.settle();
    expect(kit.clock.pendingTasks).toBe(0);
  });
});
