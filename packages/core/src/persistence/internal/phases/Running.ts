import type { InternalMessage } from '../../../actor/internal/InternalMessage.js';
import { RingQueue } from '../../../actor/internal/RingQueue.js';
import type { PersistentRepr } from '../../../spi/PersistentRepr.js';
import type { SnapshotMetadata, SnapshotSelectionCriteria } from '../../../spi/SnapshotStore.js';
import { EventRejected, IllegalPersistenceOperation, JournalFailure, RecoveryFailed, type PersistFailure } from '../../errors.js';
import type { PersistenceResponse } from '../../responses.js';
import { EventCodec } from '../EventCodec.js';
import type { PersistOptions, RunningApi } from '../EventsourcedLogic.js';
import type { EventsourcedSetup } from '../EventsourcedSetup.js';
import { ContinueWork, InspectState, ResponseArrived, WriteDone } from '../InternalProtocol.js';
import type { InspectionEvent } from '../../Inspection.js';
import type { WriteOutcome } from '../JournalBatcher.js';
import { WriteSlot } from '../WriteSlot.js';
import { type Phase, stoppedPhase } from './Phase.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A persisted event waiting for its write, or deferred work waiting for the writes before it. */
type Invocation<E> =
  | {
      readonly kind: 'event';
      readonly stashing: boolean;
      readonly event: E;
      readonly sequenceNr: number;
      readonly slot: WriteSlot;
      readonly onEvent: ((event: E, sequenceNr: number) => void) | undefined;
    }
  | { readonly kind: 'defer'; readonly stashing: boolean; readonly handler: () => void };

/**
 * Handles commands. What one piece of user code (a command handler, a persist or defer handler, a
 * response handler) persists or defers is collected while it runs and kept only if it returns:
 * code that throws leaves nothing behind. The kept writes are submitted at once (the journal
 * batches them per turn); their handlers run in order as the journal confirms them. A handler may
 * persist or defer again (nested): that work queues behind the handlers already waiting, as in
 * Akka. While a stashing handler (persist, not persistAsync) or a blocking snapshot is pending,
 * new commands are stashed, and stashed commands always go before newer ones.
 */
export class Running<C, E> implements Phase<C>, RunningApi<C, E> {
  readonly name = 'Running';
  private nextSequenceNr: number;
  private readonly pending = new RingQueue<Invocation<E>>();
  private stashingPending = 0;
  private snapshotsBlocking = 0;
  /** Invocations and writes of the user code running now, in the order it made them. */
  private readonly made: Invocation<E>[] = [];
  private readonly madeWrites: WriteSlot[] = [];
  /** True while a persist or defer handler runs: a defer it makes waits behind the queue. */
  private inHandler = false;
  private stopRequested = false;

  private constructor(
    private readonly setup: EventsourcedSetup<C, E>,
    public lastSequenceNr: number,
    public snapshotSequenceNr: number,
  ) {
    this.nextSequenceNr = lastSequenceNr;
  }

  static enter<C, E>(setup: EventsourcedSetup<C, E>, sequenceNr: number, snapshotSequenceNr: number): Phase<C> {
    const running = new Running(setup, sequenceNr, snapshotSequenceNr);
    setup.onEnd = () => running.failUnstored();
    try {
      running.runUserCode(() => setup.logic.onRecoveryCompleted(running));
    } catch (error) {
      // As in Akka Typed: a failing RecoveryCompleted handler fails the recovery (the actor stops).
      setup.failRecovery(new RecoveryFailed(setup.persistenceId, undefined, undefined, error), 'Running');
    }
    // The commands stashed during recovery run from the next message, once Running is the phase:
    // a command that throws under resume then leaves the actor in Running, not in recovery.
    if (!setup.stash.isEmpty) setup.tellSelf(new ContinueWork());
    return running.next();
  }

  private get blocked(): boolean {
    return this.stashingPending > 0 || this.snapshotsBlocking > 0;
  }

  private get canTakeStashed(): boolean {
    return !this.blocked && !this.stopRequested && !this.setup.stash.isEmpty;
  }

  onCommand(command: C): Phase<C> {
    const { setup } = this;
    if (this.blocked || !setup.stash.isEmpty) {
      // Commands stashed earlier (also ones left when a handler threw and the actor resumed) go first.
      setup.stashCommand(command, setup.stash, this.name);
    } else {
      this.handleCommand(command);
    }
    this.afterWork();
    return this.next();
  }

  onInternal(message: InternalMessage): Phase<C> {
    if (message instanceof WriteDone) {
      message.slot.outcome = message.outcome;
      this.afterWork();
    } else if (message instanceof ContinueWork) {
      this.afterWork();
    } else if (message instanceof InspectState) {
      message.reply(this.setup.logic.currentState());
    } else if (message instanceof ResponseArrived) {
      this.onResponse(message);
      this.afterWork();
    }
    return this.next();
  }

  private onResponse(message: ResponseArrived): void {
    if (message.blocking) this.snapshotsBlocking--;
    const { response } = message;
    const { log, persistence, logic } = this.setup;
    switch (response.type) {
      case 'SaveSnapshotSuccess':
        this.snapshotSequenceNr = Math.max(this.snapshotSequenceNr, response.metadata.sequenceNr);
        if (persistence.isInspected) this.report({ type: 'SnapshotSaved', metadata: response.metadata });
        break;
      case 'SaveSnapshotFailure':
        log.warn({ phase: this.name, sequenceNr: response.metadata.sequenceNr, err: response.cause }, 'saving a snapshot failed');
        break;
      case 'DeleteMessagesFailure':
        log.warn({ phase: this.name, toSequenceNr: response.toSequenceNr, err: response.cause }, 'deleting events failed');
        break;
      case 'DeleteSnapshotFailure':
        log.warn({ phase: this.name, sequenceNr: response.metadata.sequenceNr, err: response.cause }, 'deleting a snapshot failed');
        break;
      case 'DeleteSnapshotsFailure':
        log.warn({ phase: this.name, criteria: response.criteria, err: response.cause }, 'deleting snapshots failed');
        break;
      default:
        break;
    }
    this.runUserCode(() => {
      logic.onResponse(response, this);
      message.then?.();
    });
  }

  /**
   * Runs user code; keeps what it persisted or deferred only if it returns. Its writes are
   * submitted now, its invocations join the queue behind the ones already waiting.
   * (handleCommand and runInvocation are the same, without a closure: they run per event.)
   */
  private runUserCode(code: () => void): void {
    const mark = this.nextSequenceNr;
    try {
      code();
    } catch (error) {
      this.discardMade(mark);
      throw error;
    }
    this.commitMade();
  }

  private handleCommand(command: C): void {
    const mark = this.nextSequenceNr;
    try {
      this.setup.logic.onCommand(command, this);
    } catch (error) {
      this.discardMade(mark);
      throw error;
    }
    this.commitMade();
  }

  private runInvocation(invocation: Invocation<E>): void {
    const mark = this.nextSequenceNr;
    this.inHandler = true;
    try {
      if (invocation.kind === 'defer') invocation.handler();
      else this.complete(invocation, invocation.slot.outcome!);
    } catch (error) {
      this.inHandler = false;
      this.discardMade(mark);
      throw error;
    }
    this.inHandler = false;
    this.commitMade();
  }

  private discardMade(nextSequenceNr: number): void {
    this.made.length = 0;
    this.madeWrites.length = 0;
    this.nextSequenceNr = nextSequenceNr;
  }

  private commitMade(): void {
    if (this.made.length === 0) return;
    for (const invocation of this.made) {
      this.pending.push(invocation);
      if (invocation.stashing) this.stashingPending++;
    }
    const { writer } = this.setup.persistence;
    const session = this.setup.writeSession;
    for (const slot of this.madeWrites) {
      if (slot.write === undefined) continue;
      writer.submit(slot.write, session, (outcome) => this.onSettled(slot, outcome));
    }
    this.made.length = 0;
    this.madeWrites.length = 0;
  }

  private onSettled(slot: WriteSlot, outcome: WriteOutcome): void {
    slot.settled = outcome;
    // After the incarnation ended no turn will handle it: only a write that was not stored is told.
    if (this.setup.hasEnded) return this.failIfUnstored(slot);
    this.setup.tellSelf(new WriteDone(slot, outcome));
  }

  /**
   * The incarnation is failing or ending: every pending write whose events are known not to be
   * stored is told now (a failed write fails the ones after it); one still queued or in flight is
   * told when the journal answers (`onSettled`).
   */
  private failUnstored(): void {
    for (const invocation of this.pending.drain()) {
      if (invocation.kind === 'event') this.failIfUnstored(invocation.slot);
    }
  }

  private failIfUnstored(slot: WriteSlot): void {
    const known = slot.known;
    if (known === undefined || known.kind === 'stored') return;
    const { persistenceId } = this.setup;
    const eventType = EventCodec.typeOf(slot.events[0]);
    const error: PersistFailure =
      known.kind === 'failed'
        ? new JournalFailure(persistenceId, slot.firstSequenceNr, eventType, known.error)
        : (slot.rejection ?? new EventRejected(persistenceId, slot.firstSequenceNr, eventType, known.error));
    this.reportQuietly(slot, error);
  }

  /** For failures the actor stops with: a throwing onFailure is logged, not thrown over the failure. */
  private reportQuietly(slot: WriteSlot, error: PersistFailure): void {
    try {
      slot.reportFailure(error);
    } catch (hookError) {
      this.setup.log.error({ phase: this.name, sequenceNr: slot.firstSequenceNr, err: hookError }, 'onFailure threw');
    }
  }

  /** Runs the handlers that are due, then takes stashed commands while nothing blocks them. */
  private afterWork(): void {
    const { stash } = this.setup;
    try {
      this.completeInvocations();
      while (this.canTakeStashed) {
        const command = stash.shift()!;
        this.handleCommand(command);
        this.completeInvocations();
      }
    } catch (error) {
      // If the actor is resumed, the next message picks up what is left, in order.
      if (!this.pending.isEmpty || !stash.isEmpty) this.setup.tellSelf(new ContinueWork());
      throw error;
    }
  }

  private next(): Phase<C> {
    return this.stopRequested ? stoppedPhase : this;
  }

  private completeInvocations(): void {
    for (let head = this.pending.peek(); head !== undefined; head = this.pending.peek()) {
      if (head.kind === 'event' && head.slot.outcome === undefined) return;
      // A deferAsync holds back no command, so commands that can run go first (in Akka it waits
      // one journal round trip, which lets them in).
      if (head.kind === 'defer' && !head.stashing && this.canTakeStashed) return;
      // Taken off the queue before user code runs, so a throwing handler leaves the queue consistent.
      this.pending.shift();
      if (head.stashing) this.stashingPending--;
      this.runInvocation(head);
    }
  }

  private complete(invocation: Extract<Invocation<E>, { kind: 'event' }>, outcome: WriteOutcome): void {
    const { event, sequenceNr, slot } = invocation;
    const { persistenceId, logic, log } = this.setup;
    if (outcome.kind === 'failed') {
      const failure = new JournalFailure(persistenceId, sequenceNr, EventCodec.typeOf(event), outcome.error);
      try {
        logic.onPersistFailure(failure, event, sequenceNr);
      } catch (error) {
        log.error({ phase: this.name, err: error }, 'onPersistFailure threw');
      }
      // Before the actor stops, so a caller is answered before it hears that the actor terminated.
      this.reportQuietly(slot, failure);
      this.failUnstored();
      throw failure;
    }
    this.lastSequenceNr = sequenceNr;
    const lastOfWrite = --slot.remaining === 0;
    if (outcome.kind === 'stored') {
      invocation.onEvent?.(event, sequenceNr);
    } else {
      const rejection = new EventRejected(persistenceId, sequenceNr, EventCodec.typeOf(event), outcome.error);
      slot.rejection ??= rejection;
      log.warn({ phase: this.name, sequenceNr, err: rejection }, 'event rejected');
      if (this.setup.persistence.isInspected) this.report({ type: 'EventRejected', sequenceNr, error: rejection });
      logic.onPersistRejected(rejection, event, sequenceNr);
    }
    if (!lastOfWrite) return;
    if (outcome.kind === 'rejected') slot.reportFailure(slot.rejection!);
    if (outcome.kind === 'stored' && this.setup.persistence.isInspected) {
      this.report({ type: 'EventsStored', events: slot.events, firstSequenceNr: sequenceNr - slot.events.length + 1 });
    }
    slot.onDone?.(outcome);
  }

  private report(event: DistributiveOmit<InspectionEvent, 'persistenceId' | 'actor' | 'phase'>): void {
    const { persistenceId, ctx } = this.setup;
    this.setup.persistence.report({ ...event, persistenceId, actor: ctx.self.path, phase: this.name } as InspectionEvent);
  }

  // ---- RunningApi: what the front doors call while handling a command ----

  persist(events: readonly E[], options: PersistOptions<E>): void {
    if (events.length === 0) {
      if (options.onDone !== undefined) this.defer(options.stashing, () => options.onDone!({ kind: 'stored' }));
      return;
    }
    const { codec, persistenceId } = this.setup;
    const timestamp = this.setup.ctx.system.scheduler.now();
    const first = this.nextSequenceNr + 1;
    this.nextSequenceNr += events.length;
    let slot: WriteSlot;
    try {
      const reprs = new Array<PersistentRepr>(events.length);
      for (let i = 0; i < events.length; i++) reprs[i] = codec.encode(events[i]!, first + i, timestamp);
      slot = new WriteSlot({ persistenceId, events: reprs }, events, first, options.onDone, options.onFailure);
    } catch (error) {
      // Not serializable: rejected here, reported in order with the writes before it.
      slot = new WriteSlot(undefined, events, first, options.onDone, options.onFailure);
      slot.outcome = { kind: 'rejected', error: error as Error };
    }
    for (let i = 0; i < events.length; i++) {
      this.made.push({
        kind: 'event',
        stashing: options.stashing,
        event: events[i]!,
        sequenceNr: first + i,
        slot,
        onEvent: options.onEvent,
      });
    }
    this.madeWrites.push(slot);
  }

  defer(stashing: boolean, handler: () => void): void {
    if (this.pending.isEmpty && this.made.length === 0 && !this.inHandler) return handler();
    this.made.push({ kind: 'defer', stashing, handler });
  }

  stashByUser(command: C): void {
    this.setup.stashCommand(command, this.setup.userStash, this.name);
  }

  unstashAllByUser(): void {
    this.setup.stash.prepend(this.setup.userStash.drain());
  }

  saveSnapshot(snapshot: unknown, options: { readonly blocking?: boolean; readonly then?: () => void } = {}): void {
    const { persistenceId, persistence, codec } = this.setup;
    const blocking = options.blocking ?? false;
    const metadata: SnapshotMetadata = {
      persistenceId,
      sequenceNr: this.lastSequenceNr,
      timestamp: this.setup.ctx.system.scheduler.now(),
    };
    if (blocking) this.snapshotsBlocking++;
    let save: Promise<void>;
    try {
      save = persistence.snapshotStore.save(metadata, codec.encodeSnapshot(snapshot, metadata.sequenceNr));
    } catch (error) {
      save = Promise.reject(error);
    }
    this.respondWhen(
      save,
      { type: 'SaveSnapshotSuccess', metadata },
      (cause) => ({ type: 'SaveSnapshotFailure', metadata, cause }),
      blocking,
      options.then,
    );
  }

  deleteMessages(toSequenceNr: number): void {
    const { persistenceId, persistence } = this.setup;
    const work =
      toSequenceNr === Infinity || toSequenceNr <= this.lastSequenceNr
        ? persistence.journal.deleteMessagesTo(persistenceId, toSequenceNr)
        : Promise.reject(
            new IllegalPersistenceOperation(
              persistenceId,
              `deleteMessages(${toSequenceNr}) is beyond the last sequence nr ${this.lastSequenceNr}`,
            ),
          );
    this.respondWhen(
      work,
      { type: 'DeleteMessagesSuccess', toSequenceNr },
      (cause) => ({ type: 'DeleteMessagesFailure', toSequenceNr, cause }),
    );
  }

  deleteSnapshot(sequenceNr: number): void {
    const metadata: SnapshotMetadata = { persistenceId: this.setup.persistenceId, sequenceNr, timestamp: 0 };
    this.respondWhen(
      this.setup.persistence.snapshotStore.delete(metadata),
      { type: 'DeleteSnapshotSuccess', metadata },
      (cause) => ({ type: 'DeleteSnapshotFailure', metadata, cause }),
    );
  }

  deleteSnapshots(criteria: SnapshotSelectionCriteria): void {
    this.respondWhen(
      this.setup.persistence.snapshotStore.deleteMatching(this.setup.persistenceId, criteria),
      { type: 'DeleteSnapshotsSuccess', criteria },
      (cause) => ({ type: 'DeleteSnapshotsFailure', criteria, cause }),
    );
  }

  stop(): void {
    this.stopRequested = true;
  }

  private respondWhen(
    work: Promise<void>,
    success: PersistenceResponse,
    failure: (cause: unknown) => PersistenceResponse,
    blocking = false,
    then?: () => void,
  ): void {
    const { setup } = this;
    setup.persistence.trackStoreWork(work).then(
      () => setup.tellSelf(new ResponseArrived(success, blocking, then)),
      (cause: unknown) => setup.tellSelf(new ResponseArrived(failure(cause), blocking, then)),
    );
  }
}
