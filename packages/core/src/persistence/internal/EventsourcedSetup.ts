import type { ActorContext } from '../../actor/ActorContext.js';
import type { ActorContextImpl } from '../../actor/internal/ActorContextImpl.js';
import type { ActorRef } from '../../actor/ActorRef.js';
import { StashOverflow, describeMessage } from '../../actor/errors.js';
import type { Logger } from '../../actor/Logger.js';
import type { TimerScheduler } from '../../actor/TimerScheduler.js';
import { IllegalPersistenceOperation } from '../errors.js';
import type { Persistence } from '../Persistence.js';
import { CommandStash } from './CommandStash.js';
import { EventCodec } from './EventCodec.js';
import type { EventsourcedLogic } from './EventsourcedLogic.js';
import type { EngineMessage } from './InternalProtocol.js';
import { WriteSession } from './JournalBatcher.js';

export type PhaseName = 'RequestingRecoveryPermit' | 'ReplayingSnapshot' | 'ReplayingEvents' | 'Running';

/**
 * What every phase of one incarnation of a persistent actor shares: its context, user logic,
 * stores, codec and stashes. Built once when the actor starts (and again on each restart).
 */
export class EventsourcedSetup<C, E> {
  readonly persistenceId: string;
  readonly log: Logger;
  readonly codec: EventCodec<E>;
  /** Commands held back by the engine (recovery, persisting, storing a snapshot). */
  readonly stash: CommandStash<C>;
  /** Commands stashed by the user's own logic (Effect.stash / stash()). */
  readonly userStash: CommandStash<C>;
  readonly writerUuid = crypto.randomUUID();
  /** This incarnation's writes: once one fails, the rest are never sent. */
  readonly writeSession = new WriteSession();
  private releasePermit: (() => void) | undefined;
  private recoveryGeneration = 0;
  private ended = false;
  /** Set while the stash overflows, so the warning is logged once per overflow, not per command. */
  private overflowing = false;
  /** Set by Running: answers the writes still pending when the incarnation ends. */
  onEnd: (() => void) | undefined;

  constructor(
    readonly ctx: ActorContext<C>,
    readonly logic: EventsourcedLogic<C, E>,
    readonly persistence: Persistence,
    readonly timers: TimerScheduler<unknown>,
  ) {
    this.persistenceId = logic.persistenceId;
    this.log = ctx.log.child({ persistenceId: logic.persistenceId });
    this.codec = new EventCodec<E>(
      logic.persistenceId,
      persistence.serialization,
      logic.eventAdapter,
      logic.tagger,
      this.writerUuid,
      persistence.settings.verifySerialization,
    );
    this.stash = new CommandStash<C>(persistence.settings.stashCapacity);
    this.userStash = new CommandStash<C>(persistence.settings.stashCapacity);
  }

  tellSelf(message: EngineMessage): void {
    (this.ctx.self as ActorRef<unknown>).tell(this.stamp(message));
  }

  /** Marks `message` as this incarnation's. */
  stamp<M extends EngineMessage>(message: M): M {
    message.incarnation = this;
    return message;
  }

  /** False for a message sent by an earlier incarnation of the actor. */
  isOwn(message: EngineMessage): boolean {
    return message.incarnation === this;
  }

  /** Counts store work as activity of the system (the test kit waits for it). */
  track<V>(work: Promise<V>): Promise<V> {
    return this.ctx.system.trackPendingWork(work);
  }

  /** Holds back `command`; when the stash is full, drops it to dead letters or fails, as configured. */
  stashCommand(command: C, stash: CommandStash<C>, phase: PhaseName): void {
    if (stash.push(command)) {
      this.overflowing = false;
      return;
    }
    const overflow = new StashOverflow(this.ctx.self.path, stash.capacity, describeMessage(command));
    if (this.persistence.settings.stashOverflow === 'fail') throw overflow;
    if (!this.overflowing) {
      this.overflowing = true;
      this.log.warn({ phase, reason: overflow.message }, 'stash full: dropping commands to dead letters until it has room');
    }
    this.deadLetter(command);
  }

  requestRecoveryPermit(onGranted: () => void): void {
    this.releasePermit = this.persistence.recoveryPermits.request(onGranted);
  }

  releaseRecoveryPermit(): void {
    this.releasePermit?.();
    this.releasePermit = undefined;
  }

  /** Arms the no-progress check of a recovery phase; returns the generation its tick carries. */
  armRecoveryTimeout(tick: (generation: number) => EngineMessage): number {
    const generation = ++this.recoveryGeneration;
    this.timers.startSingleTimer('recovery-timeout', this.stamp(tick(generation)), this.persistence.settings.recoveryTimeoutMs);
    return generation;
  }

  isCurrentRecoveryTick(generation: number): boolean {
    return generation === this.recoveryGeneration;
  }

  cancelRecoveryTimeout(): void {
    this.recoveryGeneration++;
    this.timers.cancel('recovery-timeout');
  }

  /** Reports a recovery failure to the user logic, then fails the actor with it. */
  failRecovery(error: Error, phase: PhaseName): never {
    this.releaseRecoveryPermit();
    this.cancelRecoveryTimeout();
    this.log.error({ phase, err: error }, 'recovery failed');
    if (this.persistence.isInspected) {
      this.persistence.report({ type: 'RecoveryFailed', persistenceId: this.persistenceId, actor: this.ctx.self.path, phase, error });
    }
    try {
      this.logic.onRecoveryFailure(error);
    } catch (hookError) {
      this.log.error({ phase, err: hookError }, 'onRecoveryFailure threw');
    }
    throw error;
  }

  deadLetter(command: C): void {
    this.ctx.system.deadLetters.publish({ message: command, recipient: this.ctx.self.path, reason: 'recipient stopped' });
  }

  /** True once the incarnation stopped or is restarting; late store results are ignored. */
  get hasEnded(): boolean {
    return this.ended;
  }

  /**
   * The incarnation ends: free the permit and the persistenceId. Stashed commands go back to the
   * front of the mailbox when the actor restarts (a caller whose command arrived while the store
   * was down gets an answer once it is back), and to dead letters when it stops.
   */
  end(restarting: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.cancelRecoveryTimeout();
    this.releaseRecoveryPermit();
    this.persistence.releaseWriter(this.persistenceId, this.ctx.self.path);
    try {
      this.onEnd?.();
    } catch (error) {
      this.log.error({ err: error }, 'answering the pending writes of a stopping actor threw');
    }
    if (restarting) {
      this.persistence.writer.abandon(
        this.writeSession,
        new IllegalPersistenceOperation(this.persistenceId, 'the actor failed and restarted before this write was sent'),
      );
    }
    this.persistence.writer.retire(this.persistenceId, this.writeSession);
    const stashed = [...this.userStash.drain(), ...this.stash.drain()];
    if (restarting) (this.ctx as ActorContextImpl<C>).requeueFirst(stashed);
    else for (const command of stashed) this.deadLetter(command);
    try {
      this.logic.onStop();
    } catch (error) {
      this.log.error({ err: error }, 'persistent actor stop hook threw');
    }
  }
}
