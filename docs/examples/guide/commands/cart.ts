import { Effect, eventSourced, type ActorRef } from '@engram/core';

export type CartCommand =
  | { readonly type: 'add'; readonly items: readonly string[] }
  | { readonly type: 'remove'; readonly item: string }
  | { readonly type: 'startPayment' }
  | { readonly type: 'paymentConfirmed' }
  | { readonly type: 'close' }
  | { readonly type: 'get'; readonly replyTo: ActorRef<Cart> };

export type CartEvent =
  | { readonly type: 'ItemAdded'; readonly item: string }
  | { readonly type: 'ItemRemoved'; readonly item: string }
  | { readonly type: 'PaymentStarted' }
  | { readonly type: 'CheckedOut'; readonly at: number };

export interface Cart {
  readonly items: readonly string[];
  readonly status: 'open' | 'paying' | 'checkedOut';
  readonly checkedOutAt: number | null;
}

export const emptyCart: Cart = { items: [], status: 'open', checkedOutAt: null };

/** Decides what a command does, given the state: never changes anything itself. */
function onCommand(cart: Cart, command: CartCommand, now: () => number): Effect<CartEvent, Cart> {
  if (command.type === 'get') return Effect.reply(command.replyTo, cart);
  switch (cart.status) {
    case 'open':
      switch (command.type) {
        case 'add': // several events, stored atomically: all of them or none
          return Effect.persist(command.items.map((item): CartEvent => ({ type: 'ItemAdded', item })));
        case 'remove':
          return cart.items.includes(command.item) ? Effect.persist({ type: 'ItemRemoved', item: command.item }) : Effect.none();
        case 'startPayment':
          return cart.items.length === 0 ? Effect.unhandled() : Effect.persist({ type: 'PaymentStarted' });
        default:
          return Effect.unhandled();
      }
    case 'paying':
      switch (command.type) {
        case 'add':
        case 'remove': // wait until the payment is settled
          return Effect.stash();
        case 'paymentConfirmed': // the time is taken here, once, and stored in the event
          return Effect.persist({ type: 'CheckedOut', at: now() }).thenUnstashAll();
        default:
          return Effect.unhandled();
      }
    case 'checkedOut':
      return command.type === 'close' ? Effect.stop() : Effect.unhandled();
  }
}

/** Applies one event: pure, so replaying the same events always gives the same cart. */
function onEvent(cart: Cart, event: CartEvent): Cart {
  switch (event.type) {
    case 'ItemAdded':
      return { ...cart, items: [...cart.items, event.item] };
    case 'ItemRemoved':
      return { ...cart, items: cart.items.filter((item) => item !== event.item) };
    case 'PaymentStarted':
      return { ...cart, status: 'paying' };
    case 'CheckedOut':
      return { ...cart, status: 'checkedOut', checkedOutAt: event.at };
  }
}

export const cart = (id: string) =>
  eventSourced<CartCommand, CartEvent, Cart>({
    persistenceId: `Cart|${id}`,
    emptyState: emptyCart,
    commandHandler: (state, command, ctx) => onCommand(state, command, () => ctx.system.scheduler.now()),
    eventHandler: onEvent,
    tagger: (event) => (event.type === 'CheckedOut' ? ['cart', 'checkout'] : ['cart']),
  });
