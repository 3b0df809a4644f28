import type { InternalMessage } from '../../../actor/internal/InternalMessage.js';
import type { EventsourcedSetup } from '../EventsourcedSetup.js';
import { RecoveryPermitGranted } from '../InternalProtocol.js';
import type { Phase } from './Phase.js';
import { ReplayingSnapshot } from './ReplayingSnapshot.js';

/** Waits for one of the limited recovery permits; commands are stashed meanwhile. */
export class RequestingRecoveryPermit<C, E> implements Phase<C> {
  readonly name = 'RequestingRecoveryPermit';

  private constructor(private readonly setup: EventsourcedSetup<C, E>) {}

  static enter<C, E>(setup: EventsourcedSetup<C, E>): Phase<C> {
    setup.persistence.claimWriter(setup.persistenceId, setup.ctx.self.path);
    const phase = new RequestingRecoveryPermit(setup);
    setup.requestRecoveryPermit(() => setup.tellSelf(new RecoveryPermitGranted()));
    return phase;
  }

  onCommand(command: C): Phase<C> {
    this.setup.stashCommand(command, this.setup.stash, this.name);
    return this;
  }

  onInternal(message: InternalMessage): Phase<C> {
    if (!(message instanceof RecoveryPermitGranted)) return this;
    this.setup.log.debug({ phase: this.name }, 'recovery permit granted');
    return ReplayingSnapshot.enter(this.setup);
  }
}
