import type { ActorRef } from '../actor/ActorRef.js';
import { checkDeliverySnapshot, type AtLeastOnceDeliverySnapshot, type UnconfirmedDelivery } from './AtLeastOnceDeliverySnapshot.js';
import { checkMessage, destinationPath, requireMessageFactory } from './internal/checks.js';

/**
 * The delivery state of an `eventSourced` sender, kept in its state and changed only by its event
 * handler: `delivered` when an event records a delivery, `confirmed` when one records a
 * confirmation. Plain data, so it is snapshotted with the rest of the state. Sending is the
 * `Redelivery` helper's part, since an event handler must not send.
 *
 * Each change copies the list of unconfirmed deliveries, so its cost grows with how many are
 * unconfirmed; the classic AtLeastOnceDeliveryActor changes its table in place.
 */
export type AtLeastOnceDelivery = AtLeastOnceDeliverySnapshot;

const empty: AtLeastOnceDelivery = Object.freeze({ currentDeliveryId: 0, unconfirmedDeliveries: Object.freeze([]) });

/** Position of `deliveryId` in the sorted list, or -1. */
function indexOf(state: AtLeastOnceDelivery, deliveryId: number): number {
  const list = state.unconfirmedDeliveries;
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const id = list[middle]!.deliveryId;
    if (id === deliveryId) return middle;
    if (id < deliveryId) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

export const AtLeastOnceDelivery = {
  /** No delivery yet: the initial value in `emptyState`. */
  empty,

  /** A value from a snapshot taken elsewhere (a classic actor's `getDeliverySnapshot`), checked. */
  fromSnapshot(snapshot: AtLeastOnceDeliverySnapshot): AtLeastOnceDelivery {
    return checkDeliverySnapshot(snapshot, 'AtLeastOnceDelivery.fromSnapshot');
  },

  /**
   * Records a delivery with the next id (`nextDeliveryId`); for the event handler. The message is
   * built here from the id, so replaying the event builds the same message.
   */
  delivered<M>(state: AtLeastOnceDelivery, destination: ActorRef<M> | string, message: (deliveryId: number) => M): AtLeastOnceDelivery {
    const path = destinationPath(destination);
    const deliveryId = state.currentDeliveryId + 1;
    const delivery: UnconfirmedDelivery = { deliveryId, destination: path, message: checkMessage(requireMessageFactory(message)(deliveryId), deliveryId) };
    return { currentDeliveryId: deliveryId, unconfirmedDeliveries: [...state.unconfirmedDeliveries, delivery] };
  },

  /** Records a confirmation; for the event handler. Unknown or repeated ids leave the state as it is. */
  confirmed(state: AtLeastOnceDelivery, deliveryId: number): AtLeastOnceDelivery {
    const index = indexOf(state, deliveryId);
    if (index < 0) return state;
    const list = state.unconfirmedDeliveries;
    return { currentDeliveryId: state.currentDeliveryId, unconfirmedDeliveries: [...list.slice(0, index), ...list.slice(index + 1)] };
  },

  /** True while `deliveryId` waits for its confirmation: persist a confirmation only then. */
  isUnconfirmed(state: AtLeastOnceDelivery, deliveryId: number): boolean {
    return indexOf(state, deliveryId) >= 0;
  },

  /** The id the next `delivered` will give out. */
  nextDeliveryId(state: AtLeastOnceDelivery): number {
    return state.currentDeliveryId + 1;
  },

  numberOfUnconfirmed(state: AtLeastOnceDelivery): number {
    return state.unconfirmedDeliveries.length;
  },
} as const;
