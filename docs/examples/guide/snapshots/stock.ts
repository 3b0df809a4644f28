import { Effect, eventSourced, Recovery, RetentionCriteria, type ActorRef, type RecoveryOptions } from '@engram/core';

export type StockCommand =
  | { readonly type: 'receive'; readonly quantity: number }
  | { readonly type: 'ship'; readonly quantity: number }
  | { readonly type: 'stocktake'; readonly counted: number }
  | { readonly type: 'get'; readonly replyTo: ActorRef<number> };
export type StockEvent =
  | { readonly type: 'Received'; readonly quantity: number }
  | { readonly type: 'Shipped'; readonly quantity: number }
  | { readonly type: 'Counted'; readonly quantity: number };

/** The stock of one article in a warehouse: many small events, so recovery starts from snapshots. */
export const stock = (sku: string, recovery: Recovery | RecoveryOptions = Recovery.default()) =>
  eventSourced<StockCommand, StockEvent, number>({
    persistenceId: `Stock|${sku}`,
    emptyState: 0,
    commandHandler: (onHand, command) => {
      switch (command.type) {
        case 'receive':
          return Effect.persist({ type: 'Received', quantity: command.quantity });
        case 'ship':
          return command.quantity <= onHand ? Effect.persist({ type: 'Shipped', quantity: command.quantity }) : Effect.none();
        case 'stocktake':
          return Effect.persist({ type: 'Counted', quantity: command.counted });
        case 'get':
          return Effect.reply(command.replyTo, onHand);
      }
    },
    eventHandler: (onHand, event) =>
      event.type === 'Received' ? onHand + event.quantity : event.type === 'Shipped' ? onHand - event.quantity : event.quantity,
    // A snapshot every 100 events; keep the latest 2, and delete the events older than those.
    retention: RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot(),
    // And one after every stocktake: the count replaces everything before it.
    snapshotWhen: (_onHand, event) => event.type === 'Counted',
    recovery,
    signalHandler: (onHand, signal, ctx) => {
      if (signal.type === 'SnapshotCompleted') ctx.log.info({ sequenceNr: signal.metadata.sequenceNr, onHand }, 'snapshot saved');
    },
  });
