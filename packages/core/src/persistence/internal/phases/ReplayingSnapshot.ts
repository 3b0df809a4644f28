import type { InternalMessage } from '../../../actor/internal/InternalMessage.js';
import { RecoveryFailed, RecoveryTimedOut } from '../../errors.js';
import type { EventsourcedSetup } from '../EventsourcedSetup.js';
import { RecoveryStepFailed, RecoveryTick, SnapshotLoaded } from '../InternalProtocol.js';
import type { Phase } from './Phase.js';
import { ReplayingEvents } from './ReplayingEvents.js';

/** Loads the youngest snapshot matching the recovery criteria and offers it to the user logic. */
export class ReplayingSnapshot<C, E> implements Phase<C> {
  readonly name = 'ReplayingSnapshot';

  private constructor(private readonly setup: EventsourcedSetup<C, E>) {}

  static enter<C, E>(setup: EventsourcedSetup<C, E>): Phase<C> {
    const criteria = setup.logic.recovery.fromSnapshot;
    if (criteria.maxSequenceNr <= 0) return ReplayingEvents.enter(setup, 0);
    const phase = new ReplayingSnapshot(setup);
    setup.armRecoveryTimeout((generation) => new RecoveryTick(generation));
    setup.track(setup.persistence.snapshotStore.load(setup.persistenceId, criteria)).then(
      (selected) => setup.tellSelf(new SnapshotLoaded(selected)),
      (error: unknown) =>
        setup.tellSelf(new RecoveryStepFailed(new RecoveryFailed(setup.persistenceId, undefined, undefined, error))),
    );
    return phase;
  }

  onCommand(command: C): Phase<C> {
    this.setup.stashCommand(command, this.setup.stash, this.name);
    return this;
  }

  onInternal(message: InternalMessage): Phase<C> {
    const { setup } = this;
    if (message instanceof SnapshotLoaded) {
      setup.cancelRecoveryTimeout();
      const selected = message.selected;
      if (selected === undefined) return ReplayingEvents.enter(setup, 0);
      const snapshot = this.decode(selected);
      const { metadata } = selected;
      try {
        setup.logic.onSnapshotOffer(snapshot, metadata);
      } catch (error) {
        setup.failRecovery(
          new RecoveryFailed(setup.persistenceId, metadata.sequenceNr, selected.snapshot.manifest, error, 'snapshot'),
          this.name,
        );
      }
      setup.log.debug({ phase: this.name, sequenceNr: metadata.sequenceNr }, 'recovered snapshot');
      return ReplayingEvents.enter(setup, metadata.sequenceNr);
    }
    if (message instanceof RecoveryStepFailed) setup.failRecovery(message.error, this.name);
    if (message instanceof RecoveryTick && setup.isCurrentRecoveryTick(message.generation)) {
      setup.failRecovery(new RecoveryTimedOut(setup.persistenceId, this.name, setup.persistence.settings.recoveryTimeoutMs), this.name);
    }
    return this;
  }

  private decode(selected: Parameters<EventsourcedSetup<C, E>['codec']['decodeSnapshot']>[0]): unknown {
    try {
      return this.setup.codec.decodeSnapshot(selected);
    } catch (error) {
      return this.setup.failRecovery(error as Error, this.name);
    }
  }
}
