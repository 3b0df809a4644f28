import type { ActorContext } from '../../actor/ActorContext.js';
import { describeMessage } from '../../actor/errors.js';
import { EventAdapters } from '../../serialization/EventAdapter.js';
import type { EventAdapter } from '../../serialization/EventAdapter.js';
import type { SnapshotMetadata } from '../../spi/SnapshotStore.js';
import { SnapshotSelectionCriteria } from '../../spi/SnapshotStore.js';
import { EffectImpl } from '../Effect.js';
import type { EventRejected, PersistFailure } from '../errors.js';
import { EventHandlerFailed, IllegalPersistenceOperation } from '../errors.js';
import type { EventSourcedSettings } from '../eventSourced.js';
import type { EventSourcedSignal } from '../EventSourcedSignal.js';
import { Persistence } from '../Persistence.js';
import { Recovery } from '../Recovery.js';
import { RecoveryCompleted, type PersistenceResponse } from '../responses.js';
import { isRetentionPoint, retentionUpperBound } from '../RetentionCriteria.js';
import { deepFreeze, isFrozenWriteError } from './deepFreeze.js';
import type { EventsourcedLogic, RunningApi } from './EventsourcedLogic.js';

/**
 * The `eventSourced` front door: command handler -> Effect -> engine calls; event handler folds
 * state, live (after each event is stored) and during recovery. With `freezeState`, every state
 * it holds and every event it applies is deep-frozen first, so handlers cannot change them.
 */
export class FunctionalLogic<C, E, S> implements EventsourcedLogic<C, E> {
  readonly persistenceId: string;
  readonly recovery: Recovery;
  readonly eventAdapter: EventAdapter<E, unknown>;
  readonly tagger: ((event: E) => readonly string[]) | undefined;
  private state: S;
  private readonly freeze: boolean;

  constructor(
    private readonly settings: EventSourcedSettings<C, E, S>,
    private readonly ctx: ActorContext<C>,
  ) {
    this.persistenceId = settings.persistenceId;
    this.recovery = Recovery.from(settings.recovery);
    this.eventAdapter = settings.eventAdapter ?? EventAdapters.identity<E>();
    this.tagger = settings.tagger;
    this.freeze = Persistence.get(ctx.system).settings.freezeState;
    this.state = this.frozen(settings.emptyState);
  }

  private frozen<T>(value: T): T {
    return this.freeze ? deepFreeze(value) : value;
  }

  /** The event handler on a frozen event; what it throws becomes an EventHandlerFailed naming the event. */
  private apply(state: S, event: E, sequenceNr: number, phase: 'persist' | 'recovery'): S {
    try {
      return this.frozen(this.settings.eventHandler(state, this.frozen(event)));
    } catch (error) {
      const changedFrozen = this.freeze && isFrozenWriteError(error);
      throw new EventHandlerFailed(this.persistenceId, sequenceNr, describeMessage(event), phase, changedFrozen, error);
    }
  }

  onSnapshotOffer(snapshot: unknown): void {
    this.state = this.frozen(snapshot as S);
  }

  onReplayedEvent(event: E, sequenceNr: number): void {
    this.state = this.apply(this.state, event, sequenceNr, 'recovery');
  }

  onRecoveryCompleted(api: RunningApi<C, E>): void {
    this.signal(RecoveryCompleted);
    // As in Akka Typed: recovery that ends on a retention point without its snapshot (the save
    // failed, or the actor stopped before it) takes that snapshot now.
    const last = api.lastSequenceNr;
    if (isRetentionPoint(this.settings.retention, last) && api.snapshotSequenceNr < last) {
      api.saveSnapshot(this.state, { blocking: true });
    }
  }

  onRecoveryFailure(error: Error): void {
    this.signal({ type: 'RecoveryFailed', error });
  }

  onCommand(command: C, api: RunningApi<C, E>): void {
    const effect = this.settings.commandHandler(this.state, command, this.ctx);
    if (!(effect instanceof EffectImpl)) {
      throw new IllegalPersistenceOperation(
        this.persistenceId,
        `the command handler returned ${describeMessage(effect)} for ${describeMessage(command)}; it must return an Effect`,
      );
    }
    const typed = effect as EffectImpl<E, S>;
    switch (typed.kind) {
      case 'persist':
        return this.persist(typed, api);
      case 'unhandled':
        this.ctx.log.debug({ persistenceId: this.persistenceId, phase: 'Running', command: describeMessage(command) }, 'unhandled command');
        break;
      case 'stop':
        api.stop();
        break;
      case 'stash':
        api.stashByUser(command);
        break;
      case 'unstashAll':
        api.unstashAllByUser();
        break;
      case 'none':
        break;
    }
    this.runSideEffects(typed, api);
  }

  private persist(effect: EffectImpl<E, S>, api: RunningApi<C, E>): void {
    // As in Akka Typed, the event handler runs before the write, on a tentative state: an event it
    // cannot apply fails the command and is never stored (else no later start could recover).
    // Commands wait while the write is pending, so the state it started from is still current
    // when the write is stored, and the tentative states become the state then.
    const { events } = effect;
    // Commands wait while a write is pending, so these events take the next sequence nrs.
    const first = api.lastSequenceNr + 1;
    // One event is the common case: keep its state without an array.
    let tentative: S | S[];
    try {
      if (events.length === 1) tentative = this.apply(this.state, events[0]!, first, 'persist');
      else {
        const states: S[] = [];
        let state = this.state;
        for (let i = 0; i < events.length; i++) states.push((state = this.apply(state, events[i]!, first + i, 'persist')));
        tentative = states;
      }
    } catch (error) {
      // Nothing is written and the actor fails: the caller hears of it first.
      if (error instanceof EventHandlerFailed) this.replyFailureQuietly(effect, error);
      throw error;
    }
    let applied = 0;
    let snapshotDue = false;
    api.persist(events, {
      stashing: true,
      onEvent: (event, sequenceNr) => {
        this.state = events.length === 1 ? (tentative as S) : (tentative as S[])[applied++]!;
        if (this.shouldSnapshot(event, sequenceNr)) snapshotDue = true;
      },
      onDone: (outcome) => {
        // A rejected write changed nothing: no state change, no side effects (the signal tells).
        if (outcome.kind !== 'stored') return;
        if (!snapshotDue) return this.runSideEffects(effect, api);
        api.saveSnapshot(this.state, { blocking: true, then: () => this.runSideEffects(effect, api) });
      },
      onFailure: effect.failureReplies.length === 0 ? undefined : (error) => this.replyFailure(effect, error),
    });
  }

  private replyFailureQuietly(effect: EffectImpl<E, S>, error: PersistFailure): void {
    try {
      this.replyFailure(effect, error);
    } catch (replyError) {
      this.ctx.log.error({ persistenceId: this.persistenceId, phase: 'Running', err: replyError }, 'onFailure threw');
    }
  }

  /** Every onFailure reply of `effect` is sent, even when one of them throws (the first error is rethrown). */
  private replyFailure(effect: EffectImpl<E, S>, error: PersistFailure): void {
    let failure: { readonly error: unknown } | undefined;
    for (const { to, reply } of effect.failureReplies) {
      try {
        (to as { tell(message: unknown): void }).tell(reply(error));
      } catch (replyError) {
        failure ??= { error: replyError };
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  private shouldSnapshot(event: E, sequenceNr: number): boolean {
    const { retention, snapshotWhen } = this.settings;
    if (isRetentionPoint(retention, sequenceNr)) return true;
    return snapshotWhen?.(this.state, event, sequenceNr) ?? false;
  }

  private runSideEffects(effect: EffectImpl<E, S>, api: RunningApi<C, E>): void {
    for (const sideEffect of effect.sideEffects) {
      switch (sideEffect.kind) {
        case 'run':
          if ((sideEffect.run(this.state) as unknown) instanceof EffectImpl) {
            throw new IllegalPersistenceOperation(
              this.persistenceId,
              'a thenRun callback returned an Effect: persisting from thenRun is not allowed (as in Akka Typed); ' +
                'send the actor a command (ctx.self.tell) and persist from the command handler',
            );
          }
          break;
        case 'reply':
          (sideEffect.to as { tell(message: unknown): void }).tell(sideEffect.reply(this.state));
          break;
        case 'stop':
          api.stop();
          break;
        case 'unstashAll':
          api.unstashAllByUser();
          break;
      }
    }
  }

  onResponse(response: PersistenceResponse, api: RunningApi<C, E>): void {
    switch (response.type) {
      case 'SaveSnapshotSuccess':
        this.signal({ type: 'SnapshotCompleted', metadata: response.metadata });
        return this.applyRetention(response.metadata, api);
      case 'SaveSnapshotFailure':
        return this.signal({ type: 'SnapshotFailed', metadata: response.metadata, error: response.cause });
      case 'DeleteMessagesSuccess':
        return this.signal({ type: 'DeleteEventsCompleted', toSequenceNr: response.toSequenceNr });
      case 'DeleteMessagesFailure':
        return this.signal({ type: 'DeleteEventsFailed', toSequenceNr: response.toSequenceNr, error: response.cause });
      case 'DeleteSnapshotsSuccess':
        return this.signal({ type: 'DeleteSnapshotsCompleted', criteria: response.criteria });
      case 'DeleteSnapshotsFailure':
        return this.signal({ type: 'DeleteSnapshotsFailed', criteria: response.criteria, error: response.cause });
      case 'DeleteSnapshotSuccess':
      case 'DeleteSnapshotFailure':
        return;
    }
  }

  /** After a snapshot: drop snapshots (and, if asked, events) older than the ones kept. */
  private applyRetention(metadata: SnapshotMetadata, api: RunningApi<C, E>): void {
    const retention = this.settings.retention;
    // Only snapshots taken for retention clean up; a snapshotWhen snapshot deletes nothing.
    if (retention === undefined || !isRetentionPoint(retention, metadata.sequenceNr)) return;
    const upTo = retentionUpperBound(retention, metadata.sequenceNr);
    if (upTo <= 0) return;
    if (retention.deleteEventsOnSnapshot) api.deleteMessages(upTo);
    api.deleteSnapshots(SnapshotSelectionCriteria.of({ maxSequenceNr: upTo }));
  }

  onPersistFailure(): void {}

  onPersistRejected(error: EventRejected, event: E, sequenceNr: number): void {
    this.signal({ type: 'EventRejected', error, event, sequenceNr });
  }

  onStop(): void {}

  currentState(): unknown {
    return this.state;
  }

  private signal(signal: EventSourcedSignal): void {
    this.settings.signalHandler?.(this.state, signal, this.ctx);
  }
}

