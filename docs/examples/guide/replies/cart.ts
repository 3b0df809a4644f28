import { Effect, eventSourced, type ActorRef, type PersistFailure } from '@engram/core';

/** Every command of the cart is answered with a CartReply: what it holds now, or why not. */
export type CartReply = { readonly ok: true; readonly items: readonly string[] } | { readonly ok: false; readonly error: string };
export type CartCommand =
  | { readonly type: 'add'; readonly item: string; readonly replyTo: ActorRef<CartReply> }
  | { readonly type: 'checkOut'; readonly replyTo: ActorRef<CartReply> }
  | { readonly type: 'get'; readonly replyTo: ActorRef<CartReply> };
export type CartEvent = { readonly type: 'ItemAdded'; readonly item: string } | { readonly type: 'CheckedOut' };
export interface Cart {
  readonly items: readonly string[];
  readonly checkedOut: boolean;
}

const maxItems = 3;
const refused = (error: string): CartReply => ({ ok: false, error });
const items = (cart: Cart): CartReply => ({ ok: true, items: cart.items });

/** What the caller hears when the events were not stored. */
function notStored(error: PersistFailure): CartReply {
  switch (error.name) {
    case 'EventRejected': // this event can never be stored; the cart goes on
      return refused(`not stored: ${error.message}`);
    case 'JournalFailure': // the cart stops (or restarts with backoff)
      return refused('the store is unavailable, try again later');
    case 'EventHandlerFailed': // a bug in the event handler; the cart fails
      return refused('the cart failed on this command');
  }
}

export const cart = (id: string) =>
  eventSourced<CartCommand, CartEvent, Cart>({
    persistenceId: `Cart|${id}`,
    emptyState: { items: [], checkedOut: false },
    commandHandler: (state, command) => {
      switch (command.type) {
        case 'get':
          return Effect.reply(command.replyTo, items(state));
        case 'add':
          if (state.checkedOut) return Effect.reply(command.replyTo, refused('the cart is checked out'));
          if (state.items.length >= maxItems) return Effect.reply(command.replyTo, refused(`the cart is full (${maxItems} items)`));
          return Effect.persist({ type: 'ItemAdded', item: command.item }).thenReply(command.replyTo, items, notStored);
        case 'checkOut': // a checked-out cart is done: it stops once it answered
          if (state.checkedOut) return Effect.reply(command.replyTo, items(state)).thenStop(); // asked again: the same answer
          if (state.items.length === 0) return Effect.reply(command.replyTo, refused('the cart is empty'));
          return Effect.persist({ type: 'CheckedOut' })
            .onFailure(command.replyTo, notStored)
            .thenReply(command.replyTo, items)
            .thenStop();
      }
    },
    eventHandler: (state, event) =>
      event.type === 'ItemAdded' ? { ...state, items: [...state.items, event.item] } : { ...state, checkedOut: true },
  });
