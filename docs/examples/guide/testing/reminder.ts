import { Behaviors, type ActorRef } from '@engram/core';

export type ReminderCommand =
  | { readonly type: 'remind'; readonly text: string; readonly inMs: number; readonly replyTo: ActorRef<string> }
  | { readonly type: 'cancel' }
  | { readonly type: 'due'; readonly text: string; readonly replyTo: ActorRef<string> };

/** Sends a text back after a delay on the system's clock; a new reminder replaces the pending one. */
export const reminder = () =>
  Behaviors.withTimers<ReminderCommand>((timers) =>
    Behaviors.receiveMessage<ReminderCommand>((command) => {
      switch (command.type) {
        case 'remind':
          return timers.startSingleTimer('reminder', { type: 'due', text: command.text, replyTo: command.replyTo }, command.inMs);
        case 'cancel':
          return timers.cancel('reminder');
        case 'due':
          return command.replyTo.tell(command.text);
      }
    }),
  );
