import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Effect } from './Effect.js';
import type { PersistFailure } from './errors.js';
import { eventSourced } from './eventSourced.js';
import type { EventSourcedSignal } from './EventSourcedSignal.js';
import { storedPayloads } from './fixtures/HeldJournal.test-support.js';
import { RetentionCriteria } from './RetentionCriteria.js';

// What JSON cannot give back is refused when it is persisted, naming where in the event (or
// snapshot), instead of coming back different at the next recovery.

type Item = { readonly sku: string; readonly at: unknown };
type Cmd = { readonly items: readonly Item[]; readonly replyTo: ActorRef<string> };
type Evt = { readonly type: 'Ordered'; readonly items: readonly Item[] };

let kit: ActorTestKit | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

function start(persistence: { snapshotSerializer?: number } = {}) {
  const journal = new MemoryJournal();
  kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new MemorySnapshotStore(), ...persistence } } });
  return { kit, journal };
}

const order = (signals: EventSourcedSignal[]) =>
  eventSourced<Cmd, Evt, { readonly orders: number; readonly last: readonly Item[] }>({
    persistenceId: 'Order|1',
    emptyState: { orders: 0, last: [] },
    commandHandler: (_s, cmd) =>
      Effect.persist<Evt, { readonly orders: number; readonly last: readonly Item[] }>({ type: 'Ordered', items: cmd.items })
        .thenReply(cmd.replyTo, (s) => `ordered ${s.orders}`)
        .onFailure(cmd.replyTo, (error: PersistFailure) => `refused: ${error.name} caused by ${(error.cause as Error).name}`),
    eventHandler: (s, e) => ({ orders: s.orders + 1, last: e.items }),
    signalHandler: (_s, signal) => void signals.push(signal),
  });

const place = (ref: ActorRef<Cmd>, items: readonly Item[]) =>
  ask(ref, (replyTo: ActorRef<string>) => ({ items, replyTo }), { timeoutMs: 60_000 });

describe('events JSON cannot give back', () => {
  it('are rejected with EventNotSerializable naming the path, persistenceId and sequence nr; onFailure runs; the actor goes on', async () => {
    const { kit, journal } = start();
    const signals: EventSourcedSignal[] = [];
    const ref = kit.spawn(order(signals));
    expect(await place(ref, [{ sku: 'a', at: 1 }])).toBe('ordered 1');
    const items = [{ sku: 'a', at: 1 }, { sku: 'b', at: 2 }, { sku: 'c', at: new Date(0) }];
    expect(await place(ref, items)).toBe('refused: EventRejected caused by EventNotSerializable');
    const rejected = signals.find((s) => s.type === 'EventRejected');
    expect(rejected?.type === 'EventRejected' && rejected.error.cause).toMatchObject({
      name: 'EventNotSerializable',
      persistenceId: 'Order|1',
      sequenceNr: 2,
      eventType: 'Ordered',
      path: 'event.items[2].at',
      message:
        'event Ordered (sequence nr 2) of persistenceId "Order|1" cannot be stored faithfully by the json serializer: ' +
        'event.items[2].at is a Date; JSON turns it into a string (use plain data, or an event adapter that converts it)',
    });
    expect(kit.logs.find('event rejected', 'warn')).toHaveLength(1);
    expect(await place(ref, [{ sku: 'd', at: 3 }])).toBe('ordered 2');
    expect(await storedPayloads(journal, 'Order|1')).toEqual([
      { type: 'Ordered', items: [{ sku: 'a', at: 1 }] },
      { type: 'Ordered', items: [{ sku: 'd', at: 3 }] },
    ]);
  });

  it.each([
    ['a Map', new Map([[1, 2]]), 'is a Map; JSON turns it into {}'],
    ['a bigint', 7n, 'is a bigint (7n); JSON cannot store it'],
    ['NaN', NaN, 'is NaN; JSON turns it into null'],
    ['a function', () => 1, 'is a function; JSON drops it'],
  ])('%s is refused the same way', async (_what, at, problem) => {
    const { kit } = start();
    const signals: EventSourcedSignal[] = [];
    const ref = kit.spawn(order(signals));
    expect(await place(ref, [{ sku: 'x', at }])).toBe('refused: EventRejected caused by EventNotSerializable');
    const rejected = signals.find((s) => s.type === 'EventRejected');
    expect(rejected?.type === 'EventRejected' && rejected.error.message).toContain(`event.items[0].at ${problem}`);
  });
});

describe('snapshots JSON cannot give back', () => {
  const seen = (signals: EventSourcedSignal[]) =>
    eventSourced<string, { readonly type: 'Seen'; readonly id: string }, { readonly ids: ReadonlySet<string> }>({
      persistenceId: 'Seen|1',
      emptyState: { ids: new Set() },
      commandHandler: (_s, id) => Effect.persist({ type: 'Seen', id }),
      eventHandler: (s, e) => ({ ids: new Set([...s.ids, e.id]) }),
      retention: RetentionCriteria.snapshotEvery(2, 1),
      signalHandler: (_s, signal) => void signals.push(signal),
    });

  it('fail the snapshot with SnapshotNotSerializable naming the path; the events are stored', async () => {
    const { kit, journal } = start();
    const signals: EventSourcedSignal[] = [];
    const ref = kit.spawn(seen(signals));
    ref.tell('a');
    ref.tell('b');
    ref.tell('c');
    await kit.settle();
    const failed = signals.find((s) => s.type === 'SnapshotFailed');
    expect(failed?.type === 'SnapshotFailed' && failed.error).toMatchObject({
      name: 'SnapshotNotSerializable',
      persistenceId: 'Seen|1',
      sequenceNr: 2,
      path: 'snapshot.ids',
      message:
        'the snapshot at sequence nr 2 of persistenceId "Seen|1" cannot be stored faithfully by the json serializer: ' +
        'snapshot.ids is a Set; JSON turns it into {} (keep the state plain data, or store snapshots with the V8 ' +
        'serializer, persistence.snapshotSerializer: 2, which keeps Map, Set, Date and bigint)',
    });
    expect((await storedPayloads(journal, 'Seen|1')).length).toBe(3);
  });

  it('are kept by the V8 snapshot serializer', async () => {
    const { kit } = start({ snapshotSerializer: 2 });
    const signals: EventSourcedSignal[] = [];
    const ref = kit.spawn(seen(signals));
    ref.tell('a');
    ref.tell('b');
    await kit.settle();
    expect(signals.map((s) => s.type)).toContain('SnapshotCompleted');
  });
});
