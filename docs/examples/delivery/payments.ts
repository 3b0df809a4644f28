// The receiving side: handles each charge once, however often it arrives, with one event per
// charge that also records its delivery id.
import { DeliveryDeduplication, Effect, eventSourced, type ActorRef } from '@engram/core';
import type { Charge, Charged } from './orders.js';

export type PaymentsCommand = Charge | { readonly type: 'total'; readonly replyTo: ActorRef<number> };

type ChargeApplied = { readonly type: 'ChargeApplied'; readonly from: string; readonly deliveryId: number; readonly amount: number };

interface PaymentsState {
  readonly handled: DeliveryDeduplication;
  readonly total: number;
}

export const payments = () =>
  eventSourced<PaymentsCommand, ChargeApplied, PaymentsState>({
    persistenceId: 'Payments',
    emptyState: { handled: DeliveryDeduplication.empty, total: 0 },
    commandHandler: (state, command, ctx) => {
      if (command.type === 'total') return Effect.reply(command.replyTo, state.total);
      const confirm = () =>
        ctx.system.refResolver.resolveActorRef<Charged>(command.replyTo).tell({ type: 'Charged', deliveryId: command.deliveryId });
      // A copy of a charge already applied: its confirmation was lost, so confirm it again.
      if (DeliveryDeduplication.isDuplicate(state.handled, command.from, command.deliveryId)) {
        confirm();
        return Effect.none();
      }
      return Effect.persist({ type: 'ChargeApplied', from: command.from, deliveryId: command.deliveryId, amount: command.amount }).thenRun(
        confirm,
      );
    },
    eventHandler: (state, event) => ({
      handled: DeliveryDeduplication.recorded(state.handled, event.from, event.deliveryId),
      total: state.total + event.amount,
    }),
  });
