import { Effect, EventAdapters, eventSourced, type ActorRef } from '@engram/core';

// Last year's cart: items without quantities, and coupons.
export type CartCommandV1 =
  | { readonly type: 'add'; readonly item: string }
  | { readonly type: 'applyCoupon'; readonly code: string }
  | { readonly type: 'get'; readonly replyTo: ActorRef<readonly string[]> };
export type CartEventV1 =
  | { readonly type: 'ItemAdded'; readonly item: string }
  | { readonly type: 'CouponApplied'; readonly code: string };

/** Every event type declared from the first version on: stored as `ItemAdded`, `CouponApplied`. */
export const cartEventsV1 = EventAdapters.versioned<CartEventV1>({ ItemAdded: {}, CouponApplied: {} });

export const cartV1 = (id: string) =>
  eventSourced<CartCommandV1, CartEventV1, readonly string[]>({
    persistenceId: `Cart|${id}`,
    emptyState: [],
    commandHandler: (items, command) =>
      command.type === 'add'
        ? Effect.persist({ type: 'ItemAdded', item: command.item })
        : command.type === 'applyCoupon'
          ? Effect.persist({ type: 'CouponApplied', code: command.code })
          : Effect.reply(command.replyTo, items),
    eventHandler: (items, event) => (event.type === 'ItemAdded' ? [...items, event.item] : items),
    eventAdapter: cartEventsV1,
  });
