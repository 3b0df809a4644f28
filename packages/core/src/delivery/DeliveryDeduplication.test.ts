import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { Effect } from '../persistence/Effect.js';
import { eventSourced } from '../persistence/eventSourced.js';
import { persistentActor } from '../persistence/PersistentActor.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { ClassicSender, type Envelope, type SenderCommand } from './ClassicSender.test-support.js';
import { DeliveryDeduplication } from './DeliveryDeduplication.js';

describe('DeliveryDeduplication', () => {
  const record = (state: DeliveryDeduplication, sender: string, ...ids: number[]) =>
    ids.reduce((s, id) => DeliveryDeduplication.recorded(s, sender, id), state);

  it('keeps one range per sender while the ids come without gaps: the last handled id', () => {
    const state = record(DeliveryDeduplication.empty, 's', 1, 2, 3);
    expect(state.senders).toEqual({ s: [[1, 3]] });
    expect(DeliveryDeduplication.lastDeliveryId(state, 's')).toBe(3);
    expect([1, 2, 3, 4].map((id) => DeliveryDeduplication.isDuplicate(state, 's', id))).toEqual([true, true, true, false]);
    expect(DeliveryDeduplication.recorded(state, 's', 2)).toBe(state);
  });

  it('does not take an id that came late for a duplicate, and closes the gap once it is handled', () => {
    const state = record(DeliveryDeduplication.empty, 's', 1, 2, 5, 3);
    expect(state.senders['s']).toEqual([
      [1, 3],
      [5, 5],
    ]);
    expect(DeliveryDeduplication.isDuplicate(state, 's', 4)).toBe(false);
    expect(DeliveryDeduplication.isDuplicate(state, 's', 5)).toBe(true);
    expect(DeliveryDeduplication.isDuplicate(state, 's', 6)).toBe(false);
    expect(record(state, 's', 4).senders['s']).toEqual([[1, 5]]);
    expect(record(DeliveryDeduplication.empty, 's', 9, 7, 8).senders['s']).toEqual([[7, 9]]);
  });

  it('keeps senders apart, any string naming one, and is plain data', () => {
    const state = record(record(DeliveryDeduplication.empty, 'a', 1), '__proto__', 1, 2);
    expect(DeliveryDeduplication.isDuplicate(state, 'b', 1)).toBe(false);
    expect(DeliveryDeduplication.isDuplicate(state, 'constructor', 1)).toBe(false);
    expect(DeliveryDeduplication.lastDeliveryId(state, '__proto__')).toBe(2);
    const copy = JSON.parse(JSON.stringify(state)) as DeliveryDeduplication;
    expect(DeliveryDeduplication.isDuplicate(copy, '__proto__', 2)).toBe(true);
    expect(DeliveryDeduplication.isDuplicate(copy, 'a', 2)).toBe(false);
  });

  it('refuses ids and senders that cannot be a delivery', () => {
    expect(() => DeliveryDeduplication.isDuplicate(DeliveryDeduplication.empty, 's', 0)).toThrow(
      'delivery id from s must be an integer >= 1, got 0',
    );
    expect(() => DeliveryDeduplication.recorded(DeliveryDeduplication.empty, '', 1)).toThrow(
      'deduplication sender must be a non-empty string',
    );
  });
});

describe('an idempotent receiver with DeliveryDeduplication', () => {
  let kit: ActorTestKit;
  afterEach(() => kit?.shutdown());

  type ReceiverCommand = Envelope | { readonly type: 'get'; readonly replyTo: ActorRef<readonly string[]> } | { readonly type: 'stop' };
  type Handled = { readonly type: 'Handled'; readonly sender: string; readonly deliveryId: number; readonly payload: string };
  interface ReceiverState {
    readonly dedup: DeliveryDeduplication;
    readonly handled: readonly string[];
  }
  const SENDER = 'Sender|s';

  /** Handles each delivery once, in one event with its id; confirms every copy to `confirmTo`. */
  const receiver = (confirmTo: ActorRef<SenderCommand>, duplicates: number[]) =>
    eventSourced<ReceiverCommand, Handled, ReceiverState>({
      persistenceId: 'Receiver|r',
      emptyState: { dedup: DeliveryDeduplication.empty, handled: [] },
      commandHandler: (state, command) => {
        if ('deliveryId' in command) {
          const confirm = () => confirmTo.tell({ type: 'confirm', deliveryId: command.deliveryId });
          if (DeliveryDeduplication.isDuplicate(state.dedup, SENDER, command.deliveryId)) {
            duplicates.push(command.deliveryId);
            confirm();
            return Effect.none();
          }
          return Effect.persist({ type: 'Handled', sender: SENDER, deliveryId: command.deliveryId, payload: command.payload }).thenRun(confirm);
        }
        return command.type === 'get' ? Effect.reply(command.replyTo, state.handled) : Effect.stop();
      },
      eventHandler: (state, event) => ({
        dedup: DeliveryDeduplication.recorded(state.dedup, event.sender, event.deliveryId),
        handled: [...state.handled, event.payload],
      }),
    });

  it('handles each message once across redeliveries and its own restart; the duplicates are confirmed again', async () => {
    kit = ActorTestKit.create({ config: { persistence: { journal: new MemoryJournal(), snapshotStore: new MemorySnapshotStore() } } });
    // Confirmations pass through a gate the test opens, to lose the first ones on purpose.
    let open = false;
    const sender = kit.spawn(
      persistentActor(() => new ClassicSender('s', { redeliverIntervalMs: 1000 })),
      'sender',
    );
    const gate = kit.spawn(
      Behaviors.receiveMessage<SenderCommand>((command) => {
        if (open) sender.tell(command);
      }),
      'gate',
    );
    const duplicates: number[] = [];
    let target = kit.spawn(receiver(gate, duplicates), 'receiver');
    for (const payload of ['a', 'b', 'c']) sender.tell({ type: 'send', payload, to: target as ActorRef<Envelope> });
    await kit.settle();

    await kit.advance(1000); // no confirmation got through: all three come again
    expect(duplicates).toEqual([1, 2, 3]);

    target.tell({ type: 'stop' });
    await kit.createTestProbe<never>().expectTerminated(target);
    target = kit.spawn(receiver(gate, duplicates), 'receiver');
    open = true;
    await kit.advance(1000); // the recreated receiver knows them from its own events
    expect(duplicates).toEqual([1, 2, 3, 1, 2, 3]);

    await kit.advance(10_000);
    expect(duplicates).toHaveLength(6); // confirmed now: no more redeliveries
    const replies = kit.createTestProbe<readonly string[]>();
    target.tell({ type: 'get', replyTo: replies.ref });
    await replies.expectMessage(['a', 'b', 'c']);
  });
});
