import { persistentFSM, type ActorRef } from '@engram/core';

export type SeatState = 'Available' | 'Held' | 'Sold';
export type SeatCommand =
  | { readonly type: 'hold'; readonly customer: string; readonly replyTo: ActorRef<string> }
  | { readonly type: 'pay'; readonly replyTo: ActorRef<string> }
  | { readonly type: 'remind' }
  | { readonly type: 'status'; readonly replyTo: ActorRef<string> };
export type SeatEvent =
  | { readonly type: 'SeatHeld'; readonly customer: string }
  | { readonly type: 'HoldExpired' }
  | { readonly type: 'SeatSold' };
export interface Seat {
  readonly customer: string | null;
}

/** A seat held for 10 minutes (the hold survives restarts), with a reminder after 8. */
export const seat = (id: string, notify: ActorRef<string>) =>
  persistentFSM<SeatCommand, SeatEvent, SeatState, Seat>({
    persistenceId: `Seat|${id}`,
    initialState: 'Available',
    initialData: { customer: null },
    when: {
      Available: (command, _seat, { goto }) =>
        command.type === 'hold'
          ? goto('Held')
              .applying({ type: 'SeatHeld', customer: command.customer })
              .forMax(10 * 60_000)
              .startSingleTimer('reminder', { type: 'remind' }, 8 * 60_000)
              .replying(command.replyTo, 'held')
          : undefined,
      Held: (command, seat, { goto, stay }) => {
        switch (command.type) {
          case 'pay':
            return goto('Sold').applying({ type: 'SeatSold' }).cancelTimer('reminder').replying(command.replyTo, 'sold');
          case 'remind':
            return stay().andThen(() => notify.tell(`${seat.customer}: 2 minutes left to pay`));
          case 'StateTimeout':
            return goto('Available')
              .applying({ type: 'HoldExpired' })
              .andThen(() => notify.tell(`${seat.customer}: the hold expired`));
          default:
            return undefined;
        }
      },
      Sold: () => undefined,
    },
    whenUnhandled: (command, _seat, { stay, stateName }) => {
      if (command.type === 'status') return stay().replying(command.replyTo, stateName);
      if (command.type === 'hold' || command.type === 'pay') return stay().replying(command.replyTo, `not possible: the seat is ${stateName}`);
      return undefined;
    },
    applyEvent: (event, seat) => (event.type === 'SeatHeld' ? { customer: event.customer } : event.type === 'HoldExpired' ? { customer: null } : seat),
  });
