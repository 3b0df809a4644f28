// The classic sender: an AtLeastOnceDeliveryActor that asks the payments service to charge each
// order, and keeps asking until the charge is confirmed, across restarts.
import {
  AtLeastOnceDeliveryActor,
  persistentActor,
  type AtLeastOnceDeliverySnapshot,
  type PersistenceResponse,
  type RecoveryCompleted,
  type SnapshotOffer,
  type UnconfirmedWarning,
} from '@engram/core';

/** What the payments service gets. Paths, not refs: the message may come back from a snapshot. */
export interface Charge {
  readonly type: 'Charge';
  readonly from: string;
  readonly deliveryId: number;
  readonly orderId: string;
  readonly amount: number;
  readonly replyTo: string;
}

/** The confirmation, naming the delivery id it answers. */
export interface Charged {
  readonly type: 'Charged';
  readonly deliveryId: number;
}

export type OrderCommand = { readonly type: 'place'; readonly orderId: string; readonly amount: number } | Charged;

type OrderEvent =
  | { readonly type: 'Placed'; readonly orderId: string; readonly amount: number }
  | { readonly type: 'ChargeConfirmed'; readonly deliveryId: number };

export class Orders extends AtLeastOnceDeliveryActor<OrderCommand, OrderEvent> {
  readonly persistenceId = 'Orders';
  override redeliverIntervalMs = 2_000;

  constructor(private readonly payments: string) {
    super();
  }

  receiveRecover(message: OrderEvent | SnapshotOffer | RecoveryCompleted): void {
    if (message.type === 'SnapshotOffer') this.setDeliverySnapshot(message.snapshot as AtLeastOnceDeliverySnapshot);
    else if (message.type !== 'RecoveryCompleted') this.apply(message);
  }

  receiveCommand(message: OrderCommand | UnconfirmedWarning | PersistenceResponse): void {
    switch (message.type) {
      case 'place':
        return this.persist({ type: 'Placed', orderId: message.orderId, amount: message.amount }, (event) => this.apply(event));
      case 'Charged':
        return this.persist({ type: 'ChargeConfirmed', deliveryId: message.deliveryId }, (event) => this.apply(event));
      case 'UnconfirmedWarning':
        this.log.warn({ orders: message.unconfirmedDeliveries.map((d) => (d.message as Charge).orderId) }, 'payments not answering');
        return;
      default:
        return;
    }
  }

  // Called for live events and replayed ones alike: replay rebuilds the unconfirmed deliveries.
  private apply(event: OrderEvent): void {
    if (event.type === 'Placed') {
      this.deliver<Charge>(this.payments, (deliveryId) => ({
        type: 'Charge',
        from: this.persistenceId,
        deliveryId,
        orderId: event.orderId,
        amount: event.amount,
        replyTo: this.self.path,
      }));
    } else {
      this.confirmDelivery(event.deliveryId);
    }
  }
}

export const orders = (paymentsPath: string) => persistentActor(() => new Orders(paymentsPath));
