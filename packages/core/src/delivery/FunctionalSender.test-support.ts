import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import type { Behavior } from '../actor/Behavior.js';
import { Effect } from '../persistence/Effect.js';
import { eventSourced } from '../persistence/eventSourced.js';
import type { RetentionCriteria } from '../persistence/RetentionCriteria.js';
import { AtLeastOnceDelivery } from './AtLeastOnceDelivery.js';
import type { AtLeastOnceDeliverySettings } from './AtLeastOnceDeliverySettings.js';
import type { Envelope } from './ClassicSender.test-support.js';
import type { RedeliveryTick, UnconfirmedWarning } from './messages.js';
import { Redelivery } from './Redelivery.js';

export type FunctionalCommand =
  | { readonly type: 'send'; readonly payload: string; readonly to: string; readonly replyTo?: ActorRef<string> }
  | { readonly type: 'confirm'; readonly deliveryId: number }
  | { readonly type: 'get'; readonly replyTo: ActorRef<AtLeastOnceDelivery> }
  | { readonly type: 'stop' }
  | RedeliveryTick
  | UnconfirmedWarning;

type FunctionalEvent =
  | { readonly type: 'Sent'; readonly payload: string; readonly to: string }
  | { readonly type: 'Confirmed'; readonly deliveryId: number };

interface FunctionalState {
  readonly delivery: AtLeastOnceDelivery;
}

export interface FunctionalSenderOptions extends Partial<AtLeastOnceDeliverySettings> {
  readonly warnings?: (warning: UnconfirmedWarning) => void;
  readonly retention?: RetentionCriteria;
}

/** The eventSourced form of the sender: the state holds the deliveries, Redelivery sends them. */
export function functionalSender(id: string, options: FunctionalSenderOptions = {}): Behavior<FunctionalCommand> {
  const { warnings, retention, ...settings } = options;
  return Behaviors.withTimers<FunctionalCommand>((timers) =>
    Behaviors.setup<FunctionalCommand>((ctx) => {
      const redelivery = new Redelivery<FunctionalCommand>(ctx, timers, settings);
      return eventSourced<FunctionalCommand, FunctionalEvent, FunctionalState>({
        persistenceId: `FunctionalSender|${id}`,
        emptyState: { delivery: AtLeastOnceDelivery.empty },
        commandHandler: (state, command) => {
          switch (command.type) {
            case 'send':
              try {
                redelivery.ensureCapacity(state.delivery, command.to);
              } catch (error) {
                return command.replyTo === undefined ? Effect.unhandled() : Effect.reply(command.replyTo, (error as Error).name);
              }
              return Effect.persist<FunctionalEvent, FunctionalState>({ type: 'Sent', payload: command.payload, to: command.to }).thenRun(
                (s) => redelivery.sendNew(s.delivery),
              );
            case 'confirm':
              return AtLeastOnceDelivery.isUnconfirmed(state.delivery, command.deliveryId)
                ? Effect.persist({ type: 'Confirmed', deliveryId: command.deliveryId })
                : Effect.none();
            case 'RedeliveryTick':
              redelivery.redeliver(state.delivery);
              return Effect.none();
            case 'UnconfirmedWarning':
              warnings?.(command);
              return Effect.none();
            case 'get':
              return Effect.reply(command.replyTo, state.delivery);
            case 'stop':
              return Effect.stop();
          }
        },
        eventHandler: (state, event) =>
          event.type === 'Sent'
            ? {
                delivery: AtLeastOnceDelivery.delivered<Envelope>(state.delivery, event.to, (deliveryId) => ({
                  deliveryId,
                  payload: event.payload,
                })),
              }
            : { delivery: AtLeastOnceDelivery.confirmed(state.delivery, event.deliveryId) },
        signalHandler: (state, signal) => {
          if (signal.type === 'RecoveryCompleted') redelivery.recoveryCompleted(state.delivery);
        },
        ...(retention === undefined ? {} : { retention }),
      });
    }),
  );
}
