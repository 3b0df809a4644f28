import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { ActorRef } from './ActorRef.js';
import { ask } from './ask.js';
import { Behaviors } from './Behaviors.js';
import { AskTimeout } from './errors.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

type Query = { type: 'double'; n: number; replyTo: ActorRef<number> } | { type: 'ignore'; replyTo: ActorRef<number> };

const doubler = Behaviors.receiveMessage<Query>((q) => {
  if (q.type === 'double') q.replyTo.tell(q.n * 2);
});

describe('ask', () => {
  it('resolves with the reply', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(doubler, 'doubler');
    const doubled: number = await ask(ref, (replyTo) => ({ type: 'double', n: 21, replyTo }), { timeoutMs: 1000 });
    expect(doubled).toBe(42);
  });

  it('rejects with AskTimeout naming the target, the timeout and the request, on the system clock', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(doubler, 'doubler');
    const reply = ask(ref, (replyTo) => ({ type: 'ignore', replyTo }), { timeoutMs: 3000 });
    let outcome: unknown = 'pending';
    reply.then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    await kit.advance(2999);
    expect(outcome).toBe('pending');
    await kit.advance(1);
    expect(outcome).toBeInstanceOf(AskTimeout);
    expect((outcome as Error).message).toBe(
      'ask to engram://test/user/doubler timed out after 3000 ms waiting for a reply to ignore',
    );
  });

  it('a reply after the timeout, or a second reply, becomes a dead letter', async () => {
    kit = ActorTestKit.create();
    const replies: ActorRef<number>[] = [];
    const ref = kit.spawn(Behaviors.receiveMessage<Query>((q) => void replies.push(q.replyTo)));
    const late = expect(ask(ref, (replyTo) => ({ type: 'ignore', replyTo }), { timeoutMs: 10 })).rejects.toBeInstanceOf(AskTimeout);
    await kit.advance(10);
    await late;
    replies[0]!.tell(1);
    const answered = ask(ref, (replyTo) => ({ type: 'ignore', replyTo }), { timeoutMs: 10 });
    await kit.settle();
    replies[1]!.tell(2);
    replies[1]!.tell(3);
    await expect(answered).resolves.toBe(2);
    expect(kit.deadLetters.map((d) => [d.message, d.reason])).toEqual([
      [1, 'reply already received'],
      [3, 'reply already received'],
    ]);
    expect(kit.clock.pendingTasks).toBe(0);
  });

  it('the replyTo ref round-trips through JSON like any ref', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(
      Behaviors.receiveMessage<string>((wire) => {
        const { n, replyTo } = JSON.parse(wire) as { n: number; replyTo: string };
        kit.system.refResolver.resolveActorRef<number>(replyTo).tell(n + 1);
      }),
    );
    await expect(ask<string, number>(ref, (replyTo) => JSON.stringify({ n: 1, replyTo }), { timeoutMs: 100 })).resolves.toBe(2);
  });

  it('rejects bad options with a clear error', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(doubler);
    await expect(ask(ref, (replyTo) => ({ type: 'ignore', replyTo }), { timeoutMs: 0 })).rejects.toThrow(
      /ask timeoutMs must be a number >= 1, got 0/,
    );
  });
});
