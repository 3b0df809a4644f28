import type { InternalMessage } from '../../../actor/internal/InternalMessage.js';
import { isErrorNamed } from '../../../errors/index.js';
import type { PersistentRepr } from '../../../spi/PersistentRepr.js';
import { RecoveryFailed, RecoveryTimedOut } from '../../errors.js';
import type { EventsourcedSetup } from '../EventsourcedSetup.js';
import { RecoveryStepFailed, RecoveryTick, ReplayDone } from '../InternalProtocol.js';
import type { Phase } from './Phase.js';
import { Running } from './Running.js';

/**
 * Streams the events after the snapshot from the journal into the user logic, one at a time as the
 * journal delivers them (never the whole log in memory), then hands over to Running.
 */
export class ReplayingEvents<C, E> implements Phase<C> {
  readonly name = 'ReplayingEvents';
  /** Bumped for every event; the timeout fails recovery only if it did not move. */
  private progress = 0;
  private progressAtTick = 0;
  private lastReplayed = 0;
  private replayed = 0;
  private failure: RecoveryFailed | undefined;
  private ended = false;
  private readonly startedAt: number;

  private constructor(
    private readonly setup: EventsourcedSetup<C, E>,
    private readonly snapshotSequenceNr: number,
  ) {
    this.startedAt = setup.ctx.system.scheduler.now();
  }

  static enter<C, E>(setup: EventsourcedSetup<C, E>, snapshotSequenceNr: number): Phase<C> {
    const phase = new ReplayingEvents(setup, snapshotSequenceNr);
    phase.start();
    return phase;
  }

  private start(): void {
    const { setup } = this;
    const { journal } = setup.persistence;
    const { toSequenceNr, replayMax } = setup.logic.recovery;
    const from = this.snapshotSequenceNr + 1;
    setup.armRecoveryTimeout((generation) => new RecoveryTick(generation));
    const replay = async (): Promise<number> => {
      // A previous incarnation's writes may still be queued or in flight: read only once they
      // landed, or this incarnation would recover a stale state and conflict on its next write.
      await setup.persistence.writer.whenSettled(setup.persistenceId);
      this.progress++;
      const onEvent = (repr: PersistentRepr): void => this.onEvent(repr);
      // One call where the store offers it: it reads the highest and the events in fewer round trips.
      if (journal.replayForRecovery !== undefined) {
        return journal.replayForRecovery(setup.persistenceId, from, toSequenceNr, replayMax, onEvent);
      }
      const highest = await journal.readHighestSequenceNr(setup.persistenceId, from);
      this.progress++;
      const to = Math.min(toSequenceNr, highest);
      if (replayMax > 0 && to >= from) await journal.replayMessages(setup.persistenceId, from, to, replayMax, onEvent);
      return highest;
    };
    setup.track(replay()).then(
      (highest) => setup.tellSelf(new ReplayDone(highest)),
      (error: unknown) => setup.tellSelf(new RecoveryStepFailed(this.asRecoveryFailure(error))),
    );
  }

  /** Called by the journal for each stored event, outside the actor's turn but while it only stashes. */
  private onEvent(repr: PersistentRepr): void {
    if (this.ended || this.setup.hasEnded) {
      throw new RecoveryFailed(this.setup.persistenceId, repr.sequenceNr, repr.manifest, 'the actor stopped during recovery');
    }
    this.progress++;
    const events = this.setup.codec.decode(repr);
    try {
      for (const event of events) this.setup.logic.onReplayedEvent(event, repr.sequenceNr);
    } catch (error) {
      this.failure = new RecoveryFailed(this.setup.persistenceId, repr.sequenceNr, repr.manifest, error);
      throw this.failure;
    }
    this.lastReplayed = repr.sequenceNr;
    this.replayed++;
  }

  private asRecoveryFailure(error: unknown): Error {
    if (this.failure !== undefined) return this.failure;
    if (isErrorNamed(error, 'RecoveryFailed')) return error;
    const cause = (error as { cause?: unknown } | undefined)?.cause;
    if (isErrorNamed(cause, 'RecoveryFailed')) return cause;
    return new RecoveryFailed(this.setup.persistenceId, undefined, undefined, error);
  }

  onCommand(command: C): Phase<C> {
    this.setup.stashCommand(command, this.setup.stash, this.name);
    return this;
  }

  onInternal(message: InternalMessage): Phase<C> {
    const { setup } = this;
    if (message instanceof ReplayDone) {
      this.ended = true;
      setup.cancelRecoveryTimeout();
      setup.releaseRecoveryPermit();
      const sequenceNr = Math.max(message.highestSequenceNr, this.lastReplayed, this.snapshotSequenceNr);
      const durationMs = setup.ctx.system.scheduler.now() - this.startedAt;
      setup.log.debug({ phase: this.name, events: this.replayed, sequenceNr, ms: durationMs }, 'recovery completed');
      if (setup.persistence.isInspected) {
        setup.persistence.report({
          type: 'RecoveryCompleted',
          persistenceId: setup.persistenceId,
          actor: setup.ctx.self.path,
          phase: this.name,
          sequenceNr,
          eventsReplayed: this.replayed,
          fromSnapshot: this.snapshotSequenceNr,
          durationMs,
        });
      }
      return Running.enter(setup, sequenceNr, this.snapshotSequenceNr);
    }
    if (message instanceof RecoveryStepFailed) {
      this.ended = true;
      setup.failRecovery(message.error, this.name);
    }
    if (message instanceof RecoveryTick && setup.isCurrentRecoveryTick(message.generation)) {
      if (this.progress === this.progressAtTick) {
        this.ended = true;
        setup.failRecovery(new RecoveryTimedOut(setup.persistenceId, this.name, setup.persistence.settings.recoveryTimeoutMs), this.name);
      }
      this.progressAtTick = this.progress;
      setup.armRecoveryTimeout((generation) => new RecoveryTick(generation));
    }
    return this;
  }
}
