import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { ActorRef } from './ActorRef.js';
import { Behaviors } from './Behaviors.js';
import type { Behavior } from './Behavior.js';
import { SupervisorStrategy } from './SupervisorStrategy.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

type Cmd = { type: 'add'; n: number } | { type: 'get'; replyTo: ActorRef<number> } | { type: 'fail' };

class Boom extends Error {
  override readonly name = 'Boom';
}

/** A counter that fails on 'fail' and reports each start to `starts`. */
function counter(starts: ActorRef<string>): Behavior<Cmd> {
  return Behaviors.setup((ctx) => {
    starts.tell(`started ${ctx.system.scheduler.now()}`);
    let total = 0;
    return Behaviors.receive<Cmd>(
      (_ctx, cmd) => {
        if (cmd.type === 'add') total += cmd.n;
        if (cmd.type === 'get') cmd.replyTo.tell(total);
        if (cmd.type === 'fail') throw new Boom('boom');
      },
      (_ctx, signal) => starts.tell(signal.type),
    );
  });
}

describe('supervision', () => {
  it('without a supervisor a failing actor stops, logs the failure with its path, and the process lives on', async () => {
    kit = ActorTestKit.create();
    const starts = kit.createTestProbe<string>();
    const ref = kit.spawn(counter(starts.ref), 'fragile');
    await starts.receiveMessage();
    ref.tell({ type: 'fail' });
    await starts.expectMessage('PostStop');
    const terminated = await starts.expectTerminated(ref);
    expect(terminated.failure?.name).toBe('Boom');
    const logged = kit.logs.find('failed; stopping', 'error')[0];
    expect(logged?.fields).toMatchObject({ actor: 'engram://test/user/fragile' });
    expect((logged?.fields['err'] as Error).message).toBe('boom');
  });

  it('an async handler that rejects is a failure like a throw', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.receiveMessage<string>(async () => {
        await Promise.resolve();
        throw new Boom('async boom');
      }),
    );
    ref.tell('go');
    const terminated = await probe.expectTerminated(ref);
    expect(terminated.failure?.message).toBe('async boom');
  });

  it('restart starts again from the supervised behavior (state lost), after PreRestart', async () => {
    kit = ActorTestKit.create();
    const starts = kit.createTestProbe<string>();
    const replies = kit.createTestProbe<number>();
    const ref = kit.spawn(
      Behaviors.supervise(counter(starts.ref)).onFailure(SupervisorStrategy.restart()),
    );
    await starts.receiveMessage();
    ref.tell({ type: 'add', n: 5 });
    ref.tell({ type: 'fail' });
    ref.tell({ type: 'add', n: 2 });
    ref.tell({ type: 'get', replyTo: replies.ref });
    await starts.expectMessage('PreRestart');
    expect(await starts.receiveMessage()).toMatch(/^started/);
    await replies.expectMessage(2);
  });

  it('resume keeps the state; only the failing message is lost', async () => {
    kit = ActorTestKit.create();
    const starts = kit.createTestProbe<string>();
    const replies = kit.createTestProbe<number>();
    const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(SupervisorStrategy.resume()));
    ref.tell({ type: 'add', n: 5 });
    ref.tell({ type: 'fail' });
    ref.tell({ type: 'add', n: 2 });
    ref.tell({ type: 'get', replyTo: replies.ref });
    await replies.expectMessage(7);
    await starts.receiveMessage();
    await starts.expectNoMessage();
    expect(kit.logs.find('failed; resuming', 'warn')).toHaveLength(1);
  });

  it('restart with a limit stops the actor once the limit is exceeded within the window', async () => {
    kit = ActorTestKit.create();
    const starts = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.supervise(counter(starts.ref)).onFailure(SupervisorStrategy.restart({ maxRestarts: 2, withinMs: 1000 })),
    );
    for (let i = 0; i < 3; i++) ref.tell({ type: 'fail' });
    const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(terminated.failure?.name).toBe('Boom');
    expect(kit.logs.find('already restarted 2 times within 1000 ms')).toHaveLength(1);
  });

  it('a supervisor for one error class leaves other errors to the next supervisor out', async () => {
    kit = ActorTestKit.create();
    const starts = kit.createTestProbe<string>();
    const replies = kit.createTestProbe<number>();
    const inner = Behaviors.supervise(counter(starts.ref)).onFailure(TypeError, SupervisorStrategy.stop());
    const ref = kit.spawn(Behaviors.supervise(inner).onFailure(Boom, SupervisorStrategy.resume()));
    ref.tell({ type: 'add', n: 1 });
    ref.tell({ type: 'fail' });
    ref.tell({ type: 'get', replyTo: replies.ref });
    await replies.expectMessage(1);
  });

  describe('restart with backoff (manual clock)', () => {
    const backoff = SupervisorStrategy.restartWithBackoff({
      minBackoffMs: 100,
      maxBackoffMs: 1000,
      randomFactor: 0.2,
      resetBackoffAfterMs: 5000,
    });

    it('waits minBackoff, doubling per consecutive failure up to maxBackoff', async () => {
      kit = ActorTestKit.create();
      const starts = kit.createTestProbe<string>();
      const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(backoff));
      const t0 = kit.clock.now();
      await starts.expectMessage(`started ${t0}`);
      const expectedDelays = [100, 200, 400, 800, 1000, 1000];
      let now = t0;
      for (const delay of expectedDelays) {
        ref.tell({ type: 'fail' });
        await starts.expectMessage('PreRestart');
        await kit.advance(delay - 1);
        await starts.expectNoMessage();
        await kit.advance(1);
        now += delay;
        await starts.expectMessage(`started ${now}`);
      }
    });

    it('applies the random factor to each delay', async () => {
      kit = ActorTestKit.create({ random: () => 0.5 });
      const starts = kit.createTestProbe<string>();
      const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(backoff));
      await starts.receiveMessage();
      ref.tell({ type: 'fail' });
      await starts.expectMessage('PreRestart');
      await kit.advance(109); // 100 * (1 + 0.5 * 0.2) = 110
      await starts.expectNoMessage();
      await kit.advance(1);
      expect(await starts.receiveMessage()).toMatch(/^started/);
    });

    it('resets to minBackoff after running stably for resetBackoffAfter', async () => {
      kit = ActorTestKit.create();
      const starts = kit.createTestProbe<string>();
      const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(backoff));
      await starts.receiveMessage();
      for (const delay of [100, 200]) {
        ref.tell({ type: 'fail' });
        await starts.expectMessage('PreRestart');
        await kit.advance(delay);
        await starts.receiveMessage();
      }
      await kit.advance(5000);
      ref.tell({ type: 'fail' });
      await starts.expectMessage('PreRestart');
      await kit.advance(100);
      expect(await starts.receiveMessage()).toMatch(/^started/);
    });

    it('keeps messages sent during the backoff and handles them after the restart', async () => {
      kit = ActorTestKit.create();
      const starts = kit.createTestProbe<string>();
      const replies = kit.createTestProbe<number>();
      const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(backoff));
      ref.tell({ type: 'fail' });
      ref.tell({ type: 'add', n: 3 });
      ref.tell({ type: 'get', replyTo: replies.ref });
      await replies.expectNoMessage();
      await kit.advance(100);
      await replies.expectMessage(3);
    });

    it('beyond the restart stash capacity, messages during backoff become dead letters', async () => {
      kit = ActorTestKit.create();
      const starts = kit.createTestProbe<string>();
      const small = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 100, maxBackoffMs: 100, stashCapacity: 2 });
      const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(small), 'small');
      ref.tell({ type: 'fail' });
      await starts.expectMessage(`started ${kit.clock.now()}`);
      await starts.expectMessage('PreRestart');
      for (let n = 1; n <= 4; n++) ref.tell({ type: 'add', n });
      expect(kit.deadLetters.map((d) => [d.reason, (d.message as { n: number }).n])).toEqual([
        ['restart stash full', 3],
        ['restart stash full', 4],
      ]);
    });

    it('gives up and stops after maxRestarts consecutive restarts', async () => {
      kit = ActorTestKit.create();
      const starts = kit.createTestProbe<string>();
      const limited = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 100, maxBackoffMs: 100, maxRestarts: 2 });
      const ref = kit.spawn(Behaviors.supervise(counter(starts.ref)).onFailure(limited));
      for (let i = 0; i < 2; i++) {
        ref.tell({ type: 'fail' });
        await kit.advance(100);
      }
      ref.tell({ type: 'fail' });
      const terminated = await kit.createTestProbe<never>().expectTerminated(ref);
      expect(terminated.failure?.name).toBe('Boom');
      expect(kit.logs.find('gave up after 2 restarts')).toHaveLength(1);
    });

    it('retries a start that keeps failing (e.g. a resource that is down), then recovers', async () => {
      kit = ActorTestKit.create();
      const probe = kit.createTestProbe<string>();
      let resourceUp = false;
      const ref = kit.spawn(
        Behaviors.supervise(
          Behaviors.setup<string>(() => {
            if (!resourceUp) throw new Boom('resource down');
            return Behaviors.receiveMessage((m) => probe.ref.tell(m));
          }),
        ).onFailure(backoff),
      );
      ref.tell('hello');
      await kit.advance(100 + 200);
      expect(kit.logs.find('restarting in', 'error')).toHaveLength(3);
      resourceUp = true;
      await kit.advance(400);
      await probe.expectMessage('hello');
    });

    it('plain restart does not retry a failing start: it stops', async () => {
      kit = ActorTestKit.create();
      const probe = kit.createTestProbe<string>();
      const ref = kit.spawn(
        Behaviors.supervise(
          Behaviors.setup<string>(() => {
            throw new Boom('bad setup');
          }),
        ).onFailure(SupervisorStrategy.restart()),
      );
      const terminated = await probe.expectTerminated(ref);
      expect(terminated.failure?.message).toBe('bad setup');
    });
  });

  it('restart stops the children of the failed incarnation first', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    let incarnation = 0;
    const ref = kit.spawn(
      Behaviors.supervise(
        Behaviors.setup<string>((ctx) => {
          const n = ++incarnation;
          ctx.spawn(Behaviors.receiveSignal<never>((_c, s) => probe.ref.tell(`child ${n} ${s.type}`)), 'child');
          return Behaviors.receiveMessage(() => {
            throw new Boom('x');
          });
        }),
      ).onFailure(SupervisorStrategy.restart()),
    );
    await kit.settle();
    ref.tell('fail');
    await probe.expectMessage('child 1 PostStop');
    await kit.settle();
    expect(incarnation).toBe(2);
  });

  it('validates backoff settings with clear errors', () => {
    expect(() => SupervisorStrategy.restartWithBackoff({ minBackoffMs: 0, maxBackoffMs: 10 })).toThrow(/minBackoffMs must be a number >= 1, got 0/);
    expect(() => SupervisorStrategy.restartWithBackoff({ minBackoffMs: 100, maxBackoffMs: 10 })).toThrow(/maxBackoffMs must be >= minBackoffMs/);
    expect(() => SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1, maxBackoffMs: 10, randomFactor: -1 })).toThrow(/randomFactor/);
  });
});
