import type { ActorContext } from '../../actor/ActorContext.js';
import type { Behavior } from '../../actor/Behavior.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { InternalMessage } from '../../actor/internal/InternalMessage.js';
import { InvalidPersistenceId } from '../../spi/errors.js';
import { Persistence } from '../Persistence.js';
import type { EventsourcedLogic } from './EventsourcedLogic.js';
import { EngineMessage } from './InternalProtocol.js';
import { EventsourcedSetup } from './EventsourcedSetup.js';
import { type Phase, stoppedPhase } from './phases/Phase.js';
import { RequestingRecoveryPermit } from './phases/RequestingRecoveryPermit.js';

/**
 * The one engine behind both front doors: builds the user logic for each incarnation and runs it
 * through the phases. Failures (journal failure, recovery failure) are thrown from the handler, so
 * the actor's supervision decides what happens next (stop by default, or restart with backoff).
 */
export function eventsourcedBehavior<C, E>(createLogic: (ctx: ActorContext<C>) => EventsourcedLogic<C, E>): Behavior<C> {
  return Behaviors.setup<C>((ctx) =>
    Behaviors.withTimers<unknown>((timers) => {
      const logic = createLogic(ctx);
      if (typeof logic.persistenceId !== 'string' || logic.persistenceId.length === 0) {
        throw new InvalidPersistenceId(String(logic.persistenceId), `the actor ${ctx.self.path} needs a non-empty persistenceId`);
      }
      const setup = new EventsourcedSetup<C, E>(ctx, logic, Persistence.get(ctx.system), timers);
      let phase: Phase<C> = RequestingRecoveryPermit.enter(setup);
      return Behaviors.receive<unknown>(
        (_ctx, message) => {
          if (message instanceof EngineMessage && !setup.isOwn(message)) {
            setup.log.debug({ phase: phase.name, message: message.constructor.name }, 'dropped a message of an earlier incarnation');
            return;
          }
          phase = message instanceof InternalMessage ? phase.onInternal(message) : phase.onCommand(message as C);
          if (phase === stoppedPhase) return Behaviors.stopped;
        },
        (_ctx, signal) => {
          if (signal.type === 'PostStop' || signal.type === 'PreRestart') setup.end(signal.type === 'PreRestart');
          return signal.type === 'Terminated' ? Behaviors.unhandled : Behaviors.same;
        },
      );
    }) as Behavior<C>,
  );
}
