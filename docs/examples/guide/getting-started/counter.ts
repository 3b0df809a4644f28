import { Effect, eventSourced, type ActorRef } from '@engram/core';

export type CounterCommand =
  | { readonly type: 'increment'; readonly by: number; readonly replyTo: ActorRef<number> }
  | { readonly type: 'get'; readonly replyTo: ActorRef<number> };
export type CounterEvent = { readonly type: 'Incremented'; readonly by: number };

/** A counter whose count survives restarts: each increment is an event in the journal. */
export const counter = (id: string) =>
  eventSourced<CounterCommand, CounterEvent, number>({
    persistenceId: `Counter|${id}`,
    emptyState: 0,
    commandHandler: (count, command) =>
      command.type === 'increment'
        ? Effect.persist({ type: 'Incremented', by: command.by }).thenReply(command.replyTo, (next) => next)
        : Effect.reply(command.replyTo, count),
    eventHandler: (count, event) => count + event.by,
  });
