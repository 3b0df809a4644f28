import { InvalidArgument } from '../errors/index.js';

/** A delivery sent (or to be sent) and not confirmed yet. `destination` is the recipient's path. */
export interface UnconfirmedDelivery<M = unknown> {
  readonly deliveryId: number;
  readonly destination: string;
  readonly message: M;
}

/**
 * The whole delivery state of a sender: the last delivery id handed out and what is still
 * unconfirmed, oldest first. Plain data (paths, not refs), so a snapshot store serializes it.
 */
export interface AtLeastOnceDeliverySnapshot {
  readonly currentDeliveryId: number;
  readonly unconfirmedDeliveries: readonly UnconfirmedDelivery[];
}

/**
 * Checks a snapshot read back from a store (where it may be anything) and returns its deliveries
 * sorted by id; `where` names the caller in the error.
 */
export function checkDeliverySnapshot(snapshot: unknown, where: string): AtLeastOnceDeliverySnapshot {
  const value = snapshot as Partial<AtLeastOnceDeliverySnapshot> | null | undefined;
  const current = value?.currentDeliveryId;
  if (typeof current !== 'number' || !Number.isInteger(current) || current < 0) {
    throw new InvalidArgument(`${where}: currentDeliveryId`, current, 'an integer >= 0');
  }
  const list = value?.unconfirmedDeliveries;
  if (!Array.isArray(list)) throw new InvalidArgument(`${where}: unconfirmedDeliveries`, list, 'an array');
  const seen = new Set<number>();
  for (const delivery of list as readonly Partial<UnconfirmedDelivery>[]) {
    const id = delivery?.deliveryId;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > current || seen.has(id)) {
      throw new InvalidArgument(`${where}: deliveryId`, id, `a distinct integer from 1 to currentDeliveryId (${current})`);
    }
    seen.add(id);
    if (typeof delivery.destination !== 'string' || delivery.destination.length === 0) {
      throw new InvalidArgument(`${where}: destination of delivery ${id}`, delivery.destination, 'an actor path');
    }
  }
  const sorted = [...(list as readonly UnconfirmedDelivery[])].sort((a, b) => a.deliveryId - b.deliveryId);
  return { currentDeliveryId: current, unconfirmedDeliveries: sorted };
}
