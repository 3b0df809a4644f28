// The same sender as an eventSourced actor: the state holds an AtLeastOnceDelivery value that
// only the event handler changes; Redelivery sends, resends and warns.
import {
  AtLeastOnceDelivery,
  Behaviors,
  Effect,
  eventSourced,
  Redelivery,
  type RedeliveryTick,
  type UnconfirmedWarning,
} from '@engram/core';
import type { Charge, Charged } from './orders.js';

export type OrderCommand =
  | { readonly type: 'place'; readonly orderId: string; readonly amount: number }
  | Charged
  | RedeliveryTick
  | UnconfirmedWarning;

type OrderEvent =
  | { readonly type: 'Placed'; readonly orderId: string; readonly amount: number }
  | { readonly type: 'ChargeConfirmed'; readonly deliveryId: number };

interface OrdersState {
  readonly delivery: AtLeastOnceDelivery;
}

export const ordersFunctional = (paymentsPath: string) =>
  Behaviors.withTimers<OrderCommand>((timers) =>
    Behaviors.setup<OrderCommand>((ctx) => {
      const redelivery = new Redelivery(ctx, timers, { redeliverIntervalMs: 2_000 });
      return eventSourced<OrderCommand, OrderEvent, OrdersState>({
        persistenceId: 'OrdersFunctional',
        emptyState: { delivery: AtLeastOnceDelivery.empty },
        commandHandler: (state, command) => {
          switch (command.type) {
            case 'place':
              redelivery.ensureCapacity(state.delivery, paymentsPath);
              return Effect.persist<OrderEvent, OrdersState>({ type: 'Placed', orderId: command.orderId, amount: command.amount }).thenRun(
                (s) => redelivery.sendNew(s.delivery),
              );
            case 'Charged':
              return AtLeastOnceDelivery.isUnconfirmed(state.delivery, command.deliveryId)
                ? Effect.persist({ type: 'ChargeConfirmed', deliveryId: command.deliveryId })
                : Effect.none();
            case 'RedeliveryTick':
              redelivery.redeliver(state.delivery);
              return Effect.none();
            case 'UnconfirmedWarning':
              ctx.log.warn({ deliveryIds: command.unconfirmedDeliveries.map((d) => d.deliveryId) }, 'payments not answering');
              return Effect.none();
          }
        },
        eventHandler: (state, event) => {
          if (event.type === 'ChargeConfirmed') return { delivery: AtLeastOnceDelivery.confirmed(state.delivery, event.deliveryId) };
          const charge = (deliveryId: number): Charge => ({
            type: 'Charge',
            from: 'OrdersFunctional',
            deliveryId,
            orderId: event.orderId,
            amount: event.amount,
            replyTo: ctx.self.path,
          });
          return { delivery: AtLeastOnceDelivery.delivered(state.delivery, paymentsPath, charge) };
        },
        signalHandler: (state, signal) => {
          if (signal.type === 'RecoveryCompleted') redelivery.recoveryCompleted(state.delivery);
        },
      });
    }),
  );
