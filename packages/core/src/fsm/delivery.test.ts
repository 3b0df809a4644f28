import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { AtLeastOnceDelivery } from '../delivery/AtLeastOnceDelivery.js';
import type { AtLeastOnceDeliverySettings } from '../delivery/AtLeastOnceDeliverySettings.js';
import type { RedeliveryTick, UnconfirmedWarning } from '../delivery/messages.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { RetentionCriteria } from '../persistence/RetentionCriteria.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { query } from './fixtures/query.test-support.js';
import { persistentFSM } from './persistentFSM.js';

// At-least-once delivery inside a persistent FSM (a pain of Akka's PersistentFSM, which had none):
// the data holds the deliveries, the FSM sends, redelivers and resends after recovery.

type Envelope = { readonly deliveryId: number; readonly payload: string };
type Command =
  | { readonly type: 'dispatch'; readonly payload: string; readonly to: string; readonly replyTo?: ActorRef<string> }
  | { readonly type: 'confirm'; readonly deliveryId: number }
  | { readonly type: 'get'; readonly replyTo: ActorRef<{ readonly state: string; readonly unconfirmed: readonly number[] }> }
  | { readonly type: 'PoisonPill' }
  | UnconfirmedWarning
  | RedeliveryTick;
type Event = { readonly type: 'Dispatched'; readonly payload: string; readonly to: string } | { readonly type: 'Confirmed'; readonly deliveryId: number };
interface Data {
  readonly delivery: AtLeastOnceDelivery;
}

interface Options {
  readonly settings?: Partial<AtLeastOnceDeliverySettings>;
  readonly warnings?: ActorRef<readonly number[]>;
  readonly retention?: RetentionCriteria;
}

function dispatcher(id: string, options: Options = {}) {
  return persistentFSM<Command, Event, 'Idle' | 'Dispatching', Data>({
    persistenceId: `Dispatcher|${id}`,
    initialState: 'Idle',
    initialData: { delivery: AtLeastOnceDelivery.empty },
    when: {
      Idle: () => undefined,
      Dispatching: (command, data, { goto, stay }) => {
        if (command.type !== 'confirm' || !AtLeastOnceDelivery.isUnconfirmed(data.delivery, command.deliveryId)) return undefined;
        const last = AtLeastOnceDelivery.numberOfUnconfirmed(data.delivery) === 1;
        return (last ? goto('Idle') : stay()).applying({ type: 'Confirmed', deliveryId: command.deliveryId });
      },
    },
    whenUnhandled: (command, data, { goto, stay, stop, stateName, ensureDeliveryCapacity }) => {
      switch (command.type) {
        case 'dispatch':
          try {
            ensureDeliveryCapacity(command.to);
          } catch (error) {
            return command.replyTo === undefined ? undefined : stay().replying(command.replyTo, (error as Error).name);
          }
          return goto('Dispatching').applying({ type: 'Dispatched', payload: command.payload, to: command.to });
        case 'UnconfirmedWarning': {
          const ids = command.unconfirmedDeliveries.map((d) => d.deliveryId);
          return stay().andThen(() => options.warnings?.tell(ids));
        }
        case 'get':
          return stay().replying(command.replyTo, {
            state: stateName,
            unconfirmed: data.delivery.unconfirmedDeliveries.map((d) => d.deliveryId),
          });
        case 'PoisonPill':
          return stop();
        default:
          return undefined;
      }
    },
    applyEvent: (event, data) =>
      event.type === 'Dispatched'
        ? { delivery: AtLeastOnceDelivery.delivered<Envelope>(data.delivery, event.to, (deliveryId) => ({ deliveryId, payload: event.payload })) }
        : { delivery: AtLeastOnceDelivery.confirmed(data.delivery, event.deliveryId) },
    atLeastOnceDelivery: { select: (data) => data.delivery, ...(options.settings === undefined ? {} : { settings: options.settings }) },
    ...(options.retention === undefined ? {} : { retention: options.retention }),
  });
}

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

function start() {
  kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore: new MemorySnapshotStore() } } });
}

const ids = (messages: readonly Envelope[]) => messages.map((m) => m.deliveryId);
const inspect = (ref: ActorRef<Command>) => query<Command, { state: string; unconfirmed: readonly number[] }>(kit, ref, (replyTo) => ({ type: 'get', replyTo }));

async function kill(ref: ActorRef<Command>) {
  ref.tell({ type: 'PoisonPill' });
  await kit.createTestProbe<never>().expectTerminated(ref);
}

describe('at-least-once delivery inside a persistent FSM', () => {
  it('sends each delivery once stored, redelivers on the interval, and the FSM moves on when all are confirmed', async () => {
    start();
    const destination = kit.createTestProbe<Envelope>('dest');
    const ref = kit.spawn(dispatcher('basic', { settings: { redeliverIntervalMs: 1000 } }));
    ref.tell({ type: 'dispatch', payload: 'a', to: destination.ref.path });
    ref.tell({ type: 'dispatch', payload: 'b', to: destination.ref.path });
    expect(await destination.receiveMessages(2)).toEqual([
      { deliveryId: 1, payload: 'a' },
      { deliveryId: 2, payload: 'b' },
    ]);
    await kit.advance(1000);
    expect(ids(await destination.receiveMessages(2))).toEqual([1, 2]);
    ref.tell({ type: 'confirm', deliveryId: 1 });
    expect(await inspect(ref)).toEqual({ state: 'Dispatching', unconfirmed: [2] });
    ref.tell({ type: 'confirm', deliveryId: 2 });
    expect(await inspect(ref)).toEqual({ state: 'Idle', unconfirmed: [] });
    await kit.advance(10_000);
    await destination.expectNoMessage();
  });

  it('after a restart, sends what is unconfirmed in id order once recovery completes, in the recovered state', async () => {
    start();
    const destination = kit.createTestProbe<Envelope>('dest');
    const first = kit.spawn(dispatcher('restart'));
    for (const payload of ['a', 'b', 'c']) first.tell({ type: 'dispatch', payload, to: destination.ref.path });
    first.tell({ type: 'confirm', deliveryId: 2 });
    expect(ids(await destination.receiveMessages(3))).toEqual([1, 2, 3]);
    await kill(first);

    const second = kit.spawn(dispatcher('restart'));
    second.tell({ type: 'dispatch', payload: 'd', to: destination.ref.path });
    expect(ids(await destination.receiveMessages(3))).toEqual([1, 3, 4]);
    await destination.expectNoMessage();
    expect(await inspect(second)).toEqual({ state: 'Dispatching', unconfirmed: [1, 3, 4] });
  });

  it('hands UnconfirmedWarning to the handlers and refuses deliveries past maxUnconfirmedMessages', async () => {
    start();
    const destination = kit.createTestProbe<Envelope>('dest');
    const warnings = kit.createTestProbe<readonly number[]>();
    const replies = kit.createTestProbe<string>();
    const ref = kit.spawn(
      dispatcher('warn', {
        settings: { redeliverIntervalMs: 1000, warnAfterNumberOfUnconfirmedAttempts: 2, maxUnconfirmedMessages: 1 },
        warnings: warnings.ref,
      }),
    );
    ref.tell({ type: 'dispatch', payload: 'a', to: destination.ref.path, replyTo: replies.ref });
    ref.tell({ type: 'dispatch', payload: 'b', to: destination.ref.path, replyTo: replies.ref });
    expect(await replies.receiveMessage()).toBe('MaxUnconfirmedMessagesExceeded');
    await kit.advance(1000);
    await warnings.expectNoMessage();
    await kit.advance(1000);
    expect(await warnings.receiveMessage()).toEqual([1]);
    expect(ids(destination.messages)).toEqual([1, 1, 1]);
  });

  it('recovers the deliveries and the state from an FSM snapshot whose events were deleted', async () => {
    start();
    const destination = kit.createTestProbe<Envelope>('dest');
    const retention = RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot();
    const first = kit.spawn(dispatcher('snap', { retention }));
    for (const payload of ['a', 'b', 'c']) first.tell({ type: 'dispatch', payload, to: destination.ref.path });
    first.tell({ type: 'confirm', deliveryId: 1 });
    expect(ids(await destination.receiveMessages(3))).toEqual([1, 2, 3]);
    await kill(first);
    const second = kit.spawn(dispatcher('snap', { retention }));
    expect(ids(await destination.receiveMessages(2))).toEqual([2, 3]);
    expect(await inspect(second)).toEqual({ state: 'Dispatching', unconfirmed: [2, 3] });
  });
});
