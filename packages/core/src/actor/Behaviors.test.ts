import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import type { ActorRef } from './ActorRef.js';
import { Behaviors } from './Behaviors.js';
import type { Behavior } from './Behavior.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

describe('Behaviors', () => {
  it('setup runs once when the actor starts, before the first message', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    let setups = 0;
    const ref = kit.spawn(
      Behaviors.setup<string>(() => {
        setups++;
        probe.ref.tell('setup');
        return Behaviors.receiveMessage((m) => probe.ref.tell(m));
      }),
    );
    ref.tell('one');
    ref.tell('two');
    await probe.expectMessage('setup');
    await probe.expectMessage('one');
    await probe.expectMessage('two');
    expect(setups).toBe(1);
  });

  it('returning a new behavior switches it; returning nothing or same keeps it', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const counter = (n: number): Behavior<'inc' | 'get' | 'noop'> =>
      Behaviors.receiveMessage((m) => {
        if (m === 'inc') return counter(n + 1);
        if (m === 'get') probe.ref.tell(`count ${n}`);
        if (m === 'noop') return Behaviors.same;
      });
    const ref = kit.spawn(counter(0));
    for (const m of ['inc', 'inc', 'noop', 'get', 'inc', 'get'] as const) ref.tell(m);
    await probe.expectMessage('count 2');
    await probe.expectMessage('count 3');
  });

  it('stopped stops the actor and delivers PostStop', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.receive<string>(
        (_ctx, m) => (m === 'stop' ? Behaviors.stopped : Behaviors.same),
        (_ctx, signal) => probe.ref.tell(signal.type),
      ),
    );
    ref.tell('stop');
    await probe.expectMessage('PostStop');
    await probe.expectTerminated(ref);
  });

  it('unhandled keeps the behavior and is logged at debug', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(
      Behaviors.receiveMessage<{ type: string }>((m) => {
        if (m.type !== 'known') return Behaviors.unhandled;
        probe.ref.tell('handled');
      }),
      'picky',
    );
    ref.tell({ type: 'other' });
    ref.tell({ type: 'known' });
    await probe.expectMessage('handled');
    const entry = kit.logs.find('unhandled message', 'debug')[0];
    expect(entry?.fields).toMatchObject({ actor: 'engram://test/user/picky', message: 'other' });
  });

  it('an async handler holds the mailbox: messages are handled one at a time, in order', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    let running = 0;
    let maxRunning = 0;
    const gates: (() => void)[] = [];
    const ref = kit.spawn(
      Behaviors.receiveMessage<number>(async (n) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        probe.ref.tell(`done ${n}`);
        running--;
      }),
    );
    for (let i = 0; i < 5; i++) ref.tell(i);
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(gates).toHaveLength(1);
      gates.shift()!();
      await probe.expectMessage(`done ${i}`);
    }
    expect(maxRunning).toBe(1);
  });

  it('an async setup holds messages until it resolves', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const ref = kit.spawn(
      Behaviors.setup<string>(async () => {
        await opened;
        return Behaviors.receiveMessage((m) => probe.ref.tell(`got ${m}`));
      }),
    );
    ref.tell('early');
    await new Promise((resolve) => setImmediate(resolve));
    expect(probe.messages).toEqual([]);
    open();
    await probe.expectMessage('got early');
  });

  it('empty treats messages as unhandled; ignore drops them silently', async () => {
    kit = ActorTestKit.create();
    const empty = kit.spawn(Behaviors.empty as Behavior<string>, 'empty');
    const ignore = kit.spawn(Behaviors.ignore as Behavior<string>, 'ignore');
    empty.tell('a');
    ignore.tell('b');
    await kit.settle();
    expect(kit.logs.find('unhandled message').map((e) => e.fields['actor'])).toEqual(['engram://test/user/empty']);
  });

  it('message adapters and pipeToSelf map inside the actor', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    type Msg = { kind: 'wrapped'; n: number } | { kind: 'piped'; text: string };
    let adapter!: ActorRef<number>;
    kit.spawn(
      Behaviors.setup<Msg>((ctx) => {
        adapter = ctx.messageAdapter<number>((n) => ({ kind: 'wrapped', n }));
        ctx.pipeToSelf(
          Promise.reject(new Error('nope')),
          (v: string) => ({ kind: 'piped', text: v }),
          (e) => ({ kind: 'piped', text: `failed: ${(e as Error).message}` }),
        );
        return Behaviors.receiveMessage((m) => probe.ref.tell(m.kind === 'wrapped' ? `n=${m.n}` : m.text));
      }),
    );
    await kit.settle();
    adapter.tell(7);
    const got = await probe.receiveMessages(2);
    expect(got.sort()).toEqual(['failed: nope', 'n=7']);
  });
});
