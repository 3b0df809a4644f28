import type { ActorRef } from '../../actor/ActorRef.js';
import { InvalidArgument } from '../../errors/index.js';

/** The path a delivery is addressed to: refs are kept as their path, so they survive a restart. */
export function destinationPath(destination: ActorRef<never> | string): string {
  const path = typeof destination === 'string' ? destination : (destination as { path?: unknown } | null)?.path;
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidArgument('deliver destination', destination, 'an ActorRef or a non-empty actor path');
  }
  return path;
}

/** A message built for a delivery must be something a ref can carry. */
export function checkMessage<M>(message: M, deliveryId: number): M {
  if (message === undefined || message === null) {
    throw new InvalidArgument(`the message built for delivery ${deliveryId}`, message, 'a message (not null or undefined)');
  }
  return message;
}

export function requireMessageFactory<F>(factory: F): F {
  if (typeof factory !== 'function') {
    throw new InvalidArgument('deliver message', factory, 'a function from the delivery id to the message');
  }
  return factory;
}
