import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Behaviors } from './Behaviors.js';
import type { Behavior } from './Behavior.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

type Msg = { type: 'open' } | { type: 'work'; n: number };

/** Stashes work until 'open', then handles it in order before newer messages. */
function gate(capacity: number, out: { tell(m: string): void }): Behavior<Msg> {
  return Behaviors.withStash<Msg>(capacity, (stash) => {
    const open: Behavior<Msg> = Behaviors.receiveMessage((m) => {
      if (m.type === 'work') out.tell(`work ${m.n}`);
    });
    return Behaviors.receiveMessage((m) => {
      if (m.type === 'open') return stash.unstashAll(open);
      stash.stash(m);
      out.tell(`stashed ${m.n} (${stash.size}/${stash.capacity})`);
    });
  });
}

describe('StashBuffer', () => {
  it('unstashAll hands stashed messages to the new behavior in order, before newer messages', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(gate(10, probe.ref));
    ref.tell({ type: 'work', n: 1 });
    ref.tell({ type: 'work', n: 2 });
    ref.tell({ type: 'open' });
    ref.tell({ type: 'work', n: 3 });
    expect(await probe.receiveMessages(5)).toEqual([
      'stashed 1 (1/10)',
      'stashed 2 (2/10)',
      'work 1',
      'work 2',
      'work 3',
    ]);
  });

  it('a full stash throws StashOverflow, which fails the actor', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const ref = kit.spawn(gate(2, probe.ref), 'gate');
    for (let n = 1; n <= 3; n++) ref.tell({ type: 'work', n });
    const signal = await kit.createTestProbe<never>().expectTerminated(ref);
    expect(signal.failure?.name).toBe('StashOverflow');
    expect(signal.failure?.message).toBe('stash of engram://test/user/gate is full (capacity 2); could not stash work');
  });

  it('messages still stashed when the actor stops become dead letters', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(
      Behaviors.withStash<string>(5, (stash) =>
        Behaviors.receiveMessage((m) => {
          if (m === 'stop') return Behaviors.stopped;
          stash.stash(m);
        }),
      ),
      'stasher',
    );
    ref.tell('a');
    ref.tell('b');
    ref.tell('stop');
    await kit.createTestProbe<never>().expectTerminated(ref);
    expect(kit.deadLetters.map((d) => [d.message, d.recipient])).toEqual([
      ['a', 'engram://test/user/stasher'],
      ['b', 'engram://test/user/stasher'],
    ]);
  });
});
