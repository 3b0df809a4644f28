import { Effect, eventSourced, SupervisorStrategy, type ActorRef } from '@engram/core';

export type AccountCommand =
  | { readonly type: 'deposit'; readonly amount: number; readonly replyTo: ActorRef<number> }
  | { readonly type: 'balance'; readonly replyTo: ActorRef<number> };

// A storage failure stops a persistent actor; this brings it back: after 1 s, then 2 s, 4 s, ...
// up to 30 s, each delay stretched by up to 50% at random so that many actors do not all come back
// at the same moment.
export const storageBackoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1_000, maxBackoffMs: 30_000, randomFactor: 0.5 });

export function account(id: string) {
  return eventSourced<AccountCommand, { readonly amount: number }, number>({
    persistenceId: `Account|${id}`,
    emptyState: 0,
    commandHandler: (balance, command) =>
      command.type === 'balance'
        ? Effect.reply(command.replyTo, balance)
        : Effect.persist<{ readonly amount: number }, number>({ amount: command.amount }).thenReply(command.replyTo, (next) => next),
    eventHandler: (balance, event) => balance + event.amount,
    onPersistFailure: storageBackoff,
  });
}
