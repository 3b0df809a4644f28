import { Effect, eventSourced, type ActorRef } from '@engram/core';

export type AccountEvent = { readonly type: 'Deposited'; readonly amount: number } | { readonly type: 'Withdrawn'; readonly amount: number };
export type AccountCommand = {
  readonly type: 'deposit' | 'withdraw';
  readonly amount: number;
  readonly replyTo: ActorRef<number>;
};

/** The writer the views follow: a bank account whose events carry the tag `account`. */
export function account(id: string) {
  return eventSourced<AccountCommand, AccountEvent, number>({
    persistenceId: `Account|${id}`,
    emptyState: 0,
    commandHandler: (_balance, command) =>
      Effect.persist<AccountEvent, number>({ type: command.type === 'deposit' ? 'Deposited' : 'Withdrawn', amount: command.amount }).thenReply(
        command.replyTo,
        (balance) => balance,
      ),
    eventHandler: (balance, event) => (event.type === 'Deposited' ? balance + event.amount : balance - event.amount),
    tagger: () => ['account'],
  });
}
