import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { ActorRef } from './ActorRef.js';
import { ActorSystem } from './ActorSystem.js';
import { ask } from './ask.js';
import { Behaviors } from './Behaviors.js';
import { AskTimeout, RecipientTerminated } from './errors.js';
import { liveTimeouts, within } from './realClock.test-support.js';
import { SupervisorStrategy } from './SupervisorStrategy.js';
import { track } from './trackPromise.test-support.js';

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

type Held = { type: 'hold'; replyTo: ActorRef<number> } | { type: 'stop' } | { type: 'crash' };

/** Keeps every `replyTo` it gets in `held` (the test replies for it); stops or throws on request. */
function holder(held: ActorRef<number>[]) {
  return Behaviors.receiveMessage<Held>((m) => {
    if (m.type === 'hold') held.push(m.replyTo);
    if (m.type === 'stop') return Behaviors.stopped;
    if (m.type === 'crash') throw new Error('crashed on purpose');
    return undefined;
  });
}

describe('ask to a recipient that terminates', () => {
  it('fails at once with RecipientTerminated when the target had already stopped; the request is a dead letter', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(holder([]), 'gone');
    ref.tell({ type: 'stop' });
    await kit.createTestProbe<never>().expectTerminated(ref);
    const reply = ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 });
    const error = await reply.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecipientTerminated);
    expect(error).toMatchObject({ name: 'RecipientTerminated', path: 'engram://test/user/gone', requestType: 'hold', when: 'not alive' });
    expect((error as Error).message).toBe(
      'ask to engram://test/user/gone failed: the recipient is not alive (stopped, or never existed), so hold went to dead letters',
    );
    expect(kit.deadLetters.map((d) => [(d.message as Held).type, d.recipient, d.reason])).toEqual([
      ['hold', 'engram://test/user/gone', 'recipient stopped'],
    ]);
    expect(kit.clock.pendingTasks).toBe(0);
  });

  it('fails at once when no actor lives at the path (a resolved ref)', async () => {
    kit = ActorTestKit.create();
    const ghost = kit.system.refResolver.resolveActorRef<Held>('engram://test/user/ghost');
    await expect(ask(ghost, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 })).rejects.toMatchObject({
      name: 'RecipientTerminated',
      path: 'engram://test/user/ghost',
      when: 'not alive',
    });
    expect(kit.deadLetters.map((d) => d.reason)).toEqual(['no such actor']);
    expect(kit.clock.pendingTasks).toBe(0);
  });

  it('fails as soon as the target stops before replying, without waiting for the timeout', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(
      Behaviors.receiveMessage<Held>(() => Behaviors.stopped),
      'quitter',
    );
    const reply = track(ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 }));
    await kit.settle();
    expect(reply.outcome).toBeInstanceOf(RecipientTerminated);
    expect((reply.outcome as Error).message).toBe(
      'ask to engram://test/user/quitter failed: the recipient stopped before replying to hold',
    );
    expect(reply.outcome).toMatchObject({ when: 'stopped before reply' });
    expect(kit.clock.pendingTasks).toBe(0);
  });

  it('a target that fails and stops (no supervisor) fails the ask with the failure as cause', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(holder([]), 'fragile');
    const reply = track(ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 }));
    await kit.settle();
    expect(reply.outcome).toBe('pending');
    ref.tell({ type: 'crash' });
    await kit.settle();
    const error = reply.outcome as RecipientTerminated;
    expect(error).toBeInstanceOf(RecipientTerminated);
    expect(error.message).toBe(
      'ask to engram://test/user/fragile failed: the recipient stopped before replying to hold after failing with Error: crashed on purpose',
    );
    expect((error.cause as Error).message).toBe('crashed on purpose');
  });

  it('a target that restarts under supervision is still alive: the ask keeps waiting and gets the reply', async () => {
    kit = ActorTestKit.create();
    const held: ActorRef<number>[] = [];
    const ref = kit.spawn(Behaviors.supervise(holder(held)).onFailure(SupervisorStrategy.restart()), 'phoenix');
    const reply = track(ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 }));
    const unanswered = track(ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 }));
    ref.tell({ type: 'crash' });
    await kit.settle();
    expect(kit.logs.find('restarting', 'error')).toHaveLength(1);
    expect([reply.outcome, unanswered.outcome]).toEqual(['pending', 'pending']);
    held[0]!.tell(7);
    await kit.settle();
    expect(reply.outcome).toBe(7);
    await kit.advance(3000);
    expect(unanswered.outcome).toBeInstanceOf(AskTimeout);
  });

  it('a reply before the stop resolves the ask; the stop fails nothing', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(
      Behaviors.receiveMessage<Query>((q) => {
        q.replyTo.tell(1);
        return Behaviors.stopped;
      }),
    );
    const reply = ask(ref, (replyTo) => ({ type: 'ignore', replyTo }), { timeoutMs: 3000 });
    await expect(reply).resolves.toBe(1);
    await kit.createTestProbe<never>().expectTerminated(ref);
    expect(kit.deadLetters).toEqual([]);
    expect(kit.clock.pendingTasks).toBe(0);
  });

  it('an ask that timed out is not failed again when the target stops later', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(holder([]));
    const reply = track(ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 50 }));
    await kit.advance(50);
    expect(reply.outcome).toBeInstanceOf(AskTimeout);
    ref.tell({ type: 'stop' });
    await kit.createTestProbe<never>().expectTerminated(ref);
    expect(reply.outcome).toBeInstanceOf(AskTimeout);
  });

  it('on the real clock: 100,000 asks in flight to one actor; replies and timeouts leave it, its stop fails the rest', async () => {
    const before = liveTimeouts();
    const system = ActorSystem.create('many', { logLevel: 'error' });
    try {
      const held: ActorRef<number>[] = [];
      const ref = system.spawn(holder(held));
      const asks = Array.from({ length: 100_000 }, (_, i) =>
        ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: i % 4 === 1 ? 20 : 600_000 }),
      );
      const outcomes = asks.map(track);
      const whileWaiting = liveTimeouts();
      await system.whenIdle();
      for (let i = 0; i < held.length; i += 4) held[i]!.tell(i);
      await within(10_000, 'the 20 ms timeouts', Promise.allSettled(asks.filter((_, i) => i % 4 < 2)));
      ref.tell({ type: 'stop' });
      await within(10_000, 'the RecipientTerminated rejections', Promise.allSettled(asks));
      const count = (kind: new (...args: never[]) => Error) => outcomes.filter((a) => a.outcome instanceof kind).length;
      expect(outcomes.filter((a) => typeof a.outcome === 'number')).toHaveLength(25_000);
      expect(count(AskTimeout)).toBe(25_000);
      expect(count(RecipientTerminated)).toBe(50_000);
      // Every settled ask cancelled its timer: none keeps the process alive.
      expect(liveTimeouts()).toBeLessThan(whileWaiting);
      expect(liveTimeouts()).toBeLessThanOrEqual(before);
    } finally {
      await system.terminate();
    }
  });

  it('a settled ask leaves nothing registered on a target that lives on (its reply ref can be collected)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    kit = ActorTestKit.create();
    const held: ActorRef<number>[] = [];
    const ref = kit.spawn(holder(held));
    const replyRefs: WeakRef<object>[] = [];
    // Half get a reply, half time out; only which did is kept (an error's stack holds its frames' objects).
    const answered = async () => {
      const asks = Array.from({ length: 100 }, (_, i) =>
        ask(
          ref,
          (replyTo) => {
            replyRefs.push(new WeakRef(replyTo));
            return { type: 'hold', replyTo };
          },
          { timeoutMs: i % 2 === 0 ? 10 : 1000 },
        ),
      );
      const settled = Promise.allSettled(asks);
      await kit.settle();
      for (let i = 1; i < held.length; i += 2) held[i]!.tell(i);
      await kit.advance(10);
      return (await settled).map((r) => r.status === 'fulfilled');
    };
    expect(await answered()).toEqual(Array.from({ length: 100 }, (_, i) => i % 2 === 1));
    held.length = 0;
    // A few turns and collections: promise reactions of the settled asks may still be queued for a turn.
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(replyRefs.filter((r) => r.deref() !== undefined)).toHaveLength(0);
    const later = ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 1000 });
    ref.tell({ type: 'stop' });
    await expect(later).rejects.toBeInstanceOf(RecipientTerminated);
  });

  it("fails when the target's parent stops it, and when its whole system terminates", async () => {
    kit = ActorTestKit.create();
    const held: ActorRef<number>[] = [];
    const children: ActorRef<Held>[] = [];
    const parent = kit.spawn(
      Behaviors.setup<'stopChild'>((ctx) => {
        children.push(ctx.spawn(holder(held), 'child'));
        return Behaviors.receiveMessage(() => ctx.stop(children[0]!));
      }),
      'parent',
    );
    await kit.settle();
    const toChild = track(ask(children[0]!, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 }));
    parent.tell('stopChild');
    await kit.settle();
    expect(toChild.outcome).toMatchObject({ name: 'RecipientTerminated', path: 'engram://test/user/parent/child' });

    const other = ActorSystem.create('other', { scheduler: kit.clock, logLevel: 'error' });
    const remote = other.spawn(holder(held), 'far');
    const acrossSystems = track(ask(remote, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 }));
    await other.terminate();
    expect(acrossSystems.outcome).toMatchObject({ name: 'RecipientTerminated', path: 'engram://other/user/far' });
  });

  it("an ask to a message adapter fails when the adapter's actor stops", async () => {
    kit = ActorTestKit.create();
    const adapters: ActorRef<{ replyTo: ActorRef<number> }>[] = [];
    const ref = kit.spawn(
      Behaviors.setup<Held>((ctx) => {
        adapters.push(ctx.messageAdapter((m: { replyTo: ActorRef<number> }) => ({ type: 'hold', replyTo: m.replyTo })));
        return holder([]);
      }),
    );
    await kit.settle();
    const reply = track(ask(adapters[0]!, (replyTo) => ({ replyTo }), { timeoutMs: 3000 }));
    await kit.settle();
    expect(reply.outcome).toBe('pending');
    ref.tell({ type: 'stop' });
    await kit.settle();
    expect(reply.outcome).toBeInstanceOf(RecipientTerminated);
  });

  it("an ask to another ask's replyTo completes that ask and fails (a reply ref never replies); once closed it is not alive", async () => {
    kit = ActorTestKit.create();
    const held: ActorRef<number>[] = [];
    const ref = kit.spawn(holder(held));
    const first = ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 3000 });
    await kit.settle();
    const replyRef = kit.system.refResolver.resolveActorRef<number>(held[0]!.path);
    await expect(ask<number, number>(replyRef, () => 5, { timeoutMs: 3000 })).rejects.toMatchObject({
      name: 'RecipientTerminated',
      when: 'stopped before reply',
      requestType: 'number',
    });
    await expect(first).resolves.toBe(5);
    await expect(ask<number, number>(held[0]!, () => 6, { timeoutMs: 3000 })).rejects.toMatchObject({ when: 'not alive' });
    expect(kit.deadLetters.map((d) => [d.message, d.reason])).toEqual([[6, 'reply already received']]);
    expect(kit.clock.pendingTasks).toBe(0);
  });

  it('on the real clock: a stop fails the ask long before its timeout, and a silent target still times out', async () => {
    const system = ActorSystem.create('realClock', { logLevel: 'error' });
    try {
      const ref = system.spawn(holder([]));
      const stopped = ask(ref, (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 60_000 });
      const timedOut = ask(system.spawn(holder([])), (replyTo) => ({ type: 'hold', replyTo }), { timeoutMs: 20 });
      ref.tell({ type: 'stop' });
      await expect(within(5_000, 'the RecipientTerminated rejection', stopped)).rejects.toBeInstanceOf(RecipientTerminated);
      await expect(within(5_000, 'the AskTimeout rejection', timedOut)).rejects.toBeInstanceOf(AskTimeout);
    } finally {
      await system.terminate();
    }
  });
});

type Receipt = { readonly ok: boolean };
type Account =
  | { readonly type: 'deposit'; readonly amount: number; readonly replyTo: ActorRef<Receipt> }
  | { readonly type: 'balance'; readonly replyTo: ActorRef<number> }
  | { readonly type: 'tick' };

describe('ask types (checked by `tsc -p tsconfig.json`)', () => {
  it('the reply type is read from the target; the request is checked against the target', () => {
    const o = { timeoutMs: 1 };
    const typeOnly = (account: ActorRef<Account>, counter: ActorRef<Query>, wire: ActorRef<string>) => {
      // One reply type in the protocol: inferred as it.
      expectTypeOf(ask(counter, (replyTo) => ({ type: 'double', n: 1, replyTo }), o)).toEqualTypeOf<Promise<number>>();
      // Several: their union, unless one is named on replyTo, on the result, or as type arguments.
      expectTypeOf(ask(account, (replyTo) => ({ type: 'balance', replyTo }), o)).toEqualTypeOf<Promise<Receipt | number>>();
      expectTypeOf(ask(account, (replyTo: ActorRef<number>) => ({ type: 'balance', replyTo }), o)).toEqualTypeOf<Promise<number>>();
      const named: Promise<number> = ask(account, (replyTo) => ({ type: 'balance', replyTo }), o);
      expectTypeOf(named).toEqualTypeOf<Promise<number>>();
      expectTypeOf(ask<Account, Receipt>(account, (replyTo) => ({ type: 'deposit', amount: 1, replyTo }), o)).toEqualTypeOf<Promise<Receipt>>();
      // No replyTo field in the target's messages (a serialized request): unknown unless named.
      expectTypeOf(ask(wire, (replyTo) => JSON.stringify({ replyTo }), o)).toEqualTypeOf<Promise<unknown>>();
      expectTypeOf(ask(wire, (replyTo: ActorRef<number>) => JSON.stringify({ replyTo }), o)).toEqualTypeOf<Promise<number>>();

      // @ts-expect-error a request type the target does not have
      void ask(account, (replyTo) => ({ type: 'withdraw', replyTo }), o);
      // @ts-expect-error a field of the wrong type
      void ask(account, (replyTo) => ({ type: 'deposit', amount: '1', replyTo }), o);
      // @ts-expect-error a required field missing
      void ask(account, (replyTo) => ({ type: 'deposit', replyTo }), o);
      // @ts-expect-error a replyTo for a reply the request does not get
      void ask(account, (replyTo: ActorRef<string>) => ({ type: 'balance', replyTo }), o);
      // @ts-expect-error the named result type does not fit the request's replyTo
      const wrong: Promise<string> = ask(counter, (replyTo) => ({ type: 'double', n: 1, replyTo }), o);
      // @ts-expect-error both type arguments, with a reply type that does not fit the request
      void ask<Account, number>(account, (replyTo) => ({ type: 'deposit', amount: 1, replyTo }), o);
      // @ts-expect-error the reply type alone is refused: the request type could not be inferred any more
      void ask<number>(account, (replyTo) => ({ type: 'balance', replyTo }), o);
      return wrong;
    };
    expect(typeOnly).toBeTypeOf('function');
  });
});
