import type { InternalMessage } from '../../../actor/internal/InternalMessage.js';
import { RingQueue } from '../../../actor/internal/RingQueue.js';
import type { SnapshotMetadata, SnapshotSelectionCriteria } from '../../../spi/SnapshotStore.js';
import { EventRejected, IllegalPersistenceOperation, JournalFailure } from '../../errors.js';
import type { PersistenceResponse } from '../../responses.js';
import { EventCodec } from '../EventCodec.js';
import type { PersistOptions, RunningApi } from '../EventsourcedLogic.js';
import type { EventsourcedSetup } from '../EventsourcedSetup.js';
import { InspectState, ResponseArrived, WriteDone } from '../InternalProtocol.js';
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
 * Handles commands. Events persisted while handling one command are submitted as AtomicWrites when
 * it returns; their handlers run in order as the journal confirms them, and while a stashing
 * handler (persist, not persistAsync) or a blocking snapshot is pending, new commands are stashed.
 */
export class Running<C, E> implements Phase<C>, RunningApi<C, E> {
  readonly name = 'Running';
  private nextSequenceNr: number;
  private readonly pending = new RingQueue<Invocation<E>>();
  private stashingPending = 0;
  private snapshotsBlocking = 0;
  private newSlots: WriteSlot[] = [];
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
    setup.logic.onRecoveryCompleted(running);
    running.afterWork();
    return running.next();
  }

  private get blocked(): boolean {
    return this.stashingPending > 0 || this.snapshotsBlocking > 0;
  }

  onCommand(command: C): Phase<C> {
    if (this.blocked) this.setup.stashCommand(command, this.setup.stash, this.name);
    else this.handle(command);
    return this.next();
  }

  onInternal(message: InternalMessage): Phase<C> {
    if (message instanceof WriteDone) {
      message.slot.outcome = message.outcome;
      this.afterWork();
    } else if (message instanceof InspectState) {
      message.reply(this.setup.logic.currentState());
    } else if (message instanceof ResponseArrived) {
      if (message.blocking) this.snapshotsBlocking--;
      const { response } = message;
      if (response.type === 'SaveSnapshotSuccess') {
        this.snapshotSequenceNr = Math.max(this.snapshotSequenceNr, response.metadata.sequenceNr);
        if (this.setup.persistence.isInspected) this.report({ type: 'SnapshotSaved', metadata: response.metadata });
      }
      this.setup.logic.onResponse(response, this);
      message.then?.();
      this.afterWork();
    }
    return this.next();
  }

  private handle(command: C): void {
    this.setup.logic.onCommand(command, this);
    this.afterWork();
  }

  /** Submits the writes just made, runs the handlers that are due, then takes stashed commands. */
  private afterWork(): void {
    this.submitWrites();
    this.completeInvocations();
    while (!this.blocked && !this.stopRequested && !this.setup.stash.isEmpty) {
      this.setup.logic.onCommand(this.setup.stash.shift()!, this);
      this.submitWrites();
      this.completeInvocations();
    }
  }

  private next(): Phase<C> {
    return this.stopRequested ? stoppedPhase : this;
  }

  private submitWrites(): void {
    if (this.newSlots.length === 0) return;
    const { writer } = this.setup.persistence;
    for (const slot of this.newSlots) {
      if (slot.write === undefined) continue;
      writer.submit(slot.write, (outcome) => this.setup.tellSelf(new WriteDone(slot, outcome)));
    }
    this.newSlots = [];
  }

  private completeInvocations(): void {
    for (let head = this.pending.peek(); head !== undefined; head = this.pending.peek()) {
      if (head.kind === 'defer') {
        this.pending.shift();
        if (head.stashing) this.stashingPending--;
        head.handler();
        continue;
      }
      const outcome = head.slot.outcome;
      if (outcome === undefined) return;
      this.pending.shift();
      if (head.stashing) this.stashingPending--;
      this.complete(head, outcome);
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
      throw failure;
    }
    this.lastSequenceNr = sequenceNr;
    if (outcome.kind === 'stored') {
      invocation.onEvent?.(event, sequenceNr);
    } else {
      const rejection = new EventRejected(persistenceId, sequenceNr, EventCodec.typeOf(event), outcome.error);
      log.warn({ phase: this.name, sequenceNr, err: rejection }, 'event rejected');
      if (this.setup.persistence.isInspected) this.report({ type: 'EventRejected', sequenceNr, error: rejection });
      logic.onPersistRejected(rejection, event, sequenceNr);
    }
    if (--slot.remaining > 0) return;
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
      const reprs = events.map((event, i) => codec.encode(event, first + i, timestamp));
      slot = new WriteSlot({ persistenceId, events: reprs }, events, options.onDone);
    } catch (error) {
      // Not serializable: rejected here, reported in order with the writes before it.
      slot = new WriteSlot(undefined, events, options.onDone);
      slot.outcome = { kind: 'rejected', error: error as Error };
    }
    for (let i = 0; i < events.length; i++) {
      this.pending.push({
        kind: 'event',
        stashing: options.stashing,
        event: events[i]!,
        sequenceNr: first + i,
        slot,
        onEvent: options.onEvent,
      });
    }
    if (options.stashing) this.stashingPending += events.length;
    this.newSlots.push(slot);
  }

  defer(stashing: boolean, handler: () => void): void {
    if (this.pending.isEmpty) return handler();
    this.pending.push({ kind: 'defer', stashing, handler });
    if (stashing) this.stashingPending++;
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
      save = persistence.snapshotStore.save(metadata, codec.encodeSnapshot(snapshot));
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
