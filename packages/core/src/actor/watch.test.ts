import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { ActorRef } from './ActorRef.js';
import { Behaviors } from './Behaviors.js';
import { IllegalActorOperation } from './errors.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

describe('watch', () => {
  it('delivers Terminated after every message the watched actor sent before stopping', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const worker = kit.spawn(
      Behaviors.receiveMessage<string>((m) => {
        probe.ref.tell(`last words: ${m}`);
        return Behaviors.stopped;
      }),
    );
    kit.spawn(
      Behaviors.setup<string>((ctx) => {
        ctx.watch(worker);
        return Behaviors.receive(
          (_ctx, m) => probe.ref.tell(m),
          (_ctx, signal) => {
            if (signal.type === 'Terminated') probe.ref.tell(`terminated ${signal.ref.path}`);
          },
        );
      }),
    );
    await kit.settle();
    worker.tell('bye');
    await probe.expectMessage('last words: bye');
    await probe.expectMessage(`terminated ${worker.path}`);
  });

  it('watchWith delivers the chosen message instead of the signal', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const worker = kit.spawn(Behaviors.receiveMessage<string>(() => Behaviors.stopped));
    kit.spawn(
      Behaviors.setup<string>((ctx) => {
        ctx.watchWith(worker, 'worker gone');
        return Behaviors.receiveMessage((m) => probe.ref.tell(m));
      }),
    );
    await kit.settle();
    worker.tell('stop');
    await probe.expectMessage('worker gone');
  });

  it('watching an actor that already stopped delivers Terminated at once', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const worker = kit.spawn(Behaviors.receiveMessage<string>(() => Behaviors.stopped));
    worker.tell('stop');
    await probe.expectTerminated(worker);
    const late = kit.createTestProbe<string>();
    await late.expectTerminated(worker);
  });

  it('Terminated carries the failure of an actor that failed', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const worker = kit.spawn(
      Behaviors.receiveMessage<string>(() => {
        throw new RangeError('out of range');
      }),
    );
    worker.tell('x');
    const signal = await probe.expectTerminated(worker);
    expect(signal.failure).toBeInstanceOf(RangeError);
  });

  it('an unhandled Terminated fails the watcher with DeathPactError (death pact)', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const worker = kit.spawn(Behaviors.receiveMessage<string>(() => Behaviors.stopped), 'worker');
    const watcher = kit.spawn(
      Behaviors.setup<string>((ctx) => {
        ctx.watch(worker);
        return Behaviors.receiveMessage(() => undefined);
      }),
      'watcher',
    );
    await kit.settle();
    const watcherDeath = kit.createTestProbe<string>();
    watcherDeath.ref.tell('ready');
    await watcherDeath.receiveMessage();
    worker.tell('stop');
    const signal = await watcherDeath.expectTerminated(watcher);
    expect(signal.failure?.name).toBe('DeathPactError');
    expect(signal.failure?.message).toBe(
      'engram://test/user/watcher watched engram://test/user/worker, which terminated, and did not handle the Terminated signal',
    );
    void probe;
  });

  it('after unwatch no Terminated arrives', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const worker = kit.spawn(Behaviors.receiveMessage<string>(() => Behaviors.stopped));
    const watcher = kit.spawn(
      Behaviors.setup<string>((ctx) => {
        ctx.watch(worker);
        return Behaviors.receive(
          (c, m) => {
            if (m === 'unwatch') c.unwatch(worker);
            probe.ref.tell(`ack ${m}`);
          },
          (_c, s) => probe.ref.tell(s.type),
        );
      }),
    );
    watcher.tell('unwatch');
    await probe.expectMessage('ack unwatch');
    worker.tell('stop');
    await probe.expectNoMessage();
  });

  it('ctx.stop stops a child and refuses anything else', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const stranger = kit.spawn(Behaviors.ignore, 'stranger');
    const parent = kit.spawn(
      Behaviors.setup<'stop child' | 'stop stranger'>((ctx) => {
        const child = ctx.spawn(Behaviors.receiveSignal<never>((_c, s) => probe.ref.tell(`child ${s.type}`)), 'child');
        return Behaviors.receiveMessage((m) => {
          if (m === 'stop child') ctx.stop(child);
          else {
            try {
              ctx.stop(stranger as ActorRef<never>);
            } catch (error) {
              probe.ref.tell(`${(error as Error).name}: ${(error as Error).message}`);
            }
          }
        });
      }),
      'parent',
    );
    parent.tell('stop stranger');
    await probe.expectMessage(
      'IllegalActorOperation: engram://test/user/parent: can only stop its own children; engram://test/user/stranger is not one',
    );
    parent.tell('stop child');
    await probe.expectMessage('child PostStop');
    expect(IllegalActorOperation).toBeDefined();
  });
});
