import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';
import { storedPayloads } from './fixtures/HeldJournal.test-support.js';

// eventSourced applies the event handler before the write (Akka Typed: "not accept wrong event,
// before persisting it"): an event the handler cannot apply is never stored.

type Cmd = { readonly add: number; readonly replyTo: ActorRef<number> };
type Evt = { readonly type: 'Added'; readonly n: number };

const counter = (id: string) =>
  eventSourced<Cmd, Evt, number>({
    persistenceId: id,
    emptyState: 0,
    commandHandler: (_state, cmd) => Effect.persist<Evt, number>({ type: 'Added', n: cmd.add }).thenReply(cmd.replyTo, (s) => s),
    eventHandler: (state, event) => {
      if (event.n < 0) throw new Error(`cannot add ${event.n}`);
      return state + event.n;
    },
  });

let kit: ActorTestKit | undefined;
afterEach(() => kit?.shutdown());

describe('the event handler runs before the write', () => {
  it('an event the handler throws on fails the command and is never stored; the entity still recovers', async () => {
    const journal = new MemoryJournal();
    kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore() } } });
    const replies = kit.createTestProbe<number>();
    const first = kit.spawn(counter('t1'));
    first.tell({ add: 2, replyTo: replies.ref });
    await replies.expectMessage(2);
    first.tell({ add: -1, replyTo: replies.ref });
    const terminated = await kit.createTestProbe<never>().expectTerminated(first);
    expect(terminated.failure?.message).toBe(
      'the event handler threw on event Added (sequence nr 2) of persistenceId "t1" before it was stored: cannot add -1',
    );
    expect(await storedPayloads(journal, 't1')).toEqual([{ type: 'Added', n: 2 }]);
    const again = kit.spawn(counter('t1'));
    again.tell({ add: 3, replyTo: replies.ref });
    await replies.expectMessage(5);
  });
});
