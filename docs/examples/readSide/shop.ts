import { Effect, eventSourced, type ActorRef } from '@engram/core';

export type CartCommand =
  | { readonly type: 'add'; readonly item: string; readonly replyTo: ActorRef<number> }
  | { readonly type: 'checkOut'; readonly replyTo: ActorRef<number> };
export type CartEvent = { readonly type: 'ItemAdded'; readonly item: string } | { readonly type: 'CheckedOut' };
export interface Cart {
  readonly items: readonly string[];
  readonly checkedOut: boolean;
}

/** A shopping cart whose events are tagged `cart`, so one query reads every cart's events. */
export const cart = (id: string) =>
  eventSourced<CartCommand, CartEvent, Cart>({
    persistenceId: `Cart|${id}`,
    emptyState: { items: [], checkedOut: false },
    commandHandler: (state, command) =>
      command.type === 'add'
        ? Effect.persist<CartEvent, Cart>({ type: 'ItemAdded', item: command.item }).thenReply(command.replyTo, (s) => s.items.length)
        : Effect.persist<CartEvent, Cart>({ type: 'CheckedOut' }).thenReply(command.replyTo, (s) => s.items.length),
    eventHandler: (state, event) =>
      event.type === 'ItemAdded' ? { ...state, items: [...state.items, event.item] } : { ...state, checkedOut: true },
    tagger: () => ['cart'],
  });
