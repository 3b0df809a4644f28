import { Effect, EventAdapters, eventSourced, type ActorRef, type EventAdapter } from '@engram/core';

// This year's cart: items have a quantity (ItemAdded version 2); coupons are gone.
export type CartCommand =
  | { readonly type: 'add'; readonly item: string; readonly quantity: number }
  | { readonly type: 'get'; readonly replyTo: ActorRef<Readonly<Record<string, number>>> };
export type CartEvent = { readonly type: 'ItemAdded'; readonly item: string; readonly quantity: number };

const versioned = EventAdapters.versioned<CartEvent>({
  ItemAdded: {
    version: 2, // written as `ItemAdded@2`
    upcast: { 1: (v1: { readonly type: 'ItemAdded'; readonly item: string }) => ({ ...v1, quantity: 1 }) },
  },
});

/** The versioned schema, and stored coupons dropped on the way in (zero events for each). */
export const cartEvents: EventAdapter<CartEvent, unknown> = {
  manifest: (event) => versioned.manifest(event),
  toJournal: (event) => versioned.toJournal(event),
  fromJournal: (stored, manifest) => (manifest === 'CouponApplied' ? [] : versioned.fromJournal(stored as CartEvent, manifest)),
};

export const cartV2 = (id: string) =>
  eventSourced<CartCommand, CartEvent, Readonly<Record<string, number>>>({
    persistenceId: `Cart|${id}`,
    emptyState: {},
    commandHandler: (items, command) =>
      command.type === 'add'
        ? Effect.persist({ type: 'ItemAdded', item: command.item, quantity: command.quantity })
        : Effect.reply(command.replyTo, items),
    eventHandler: (items, event) => ({ ...items, [event.item]: (items[event.item] ?? 0) + event.quantity }),
    eventAdapter: cartEvents,
  });
