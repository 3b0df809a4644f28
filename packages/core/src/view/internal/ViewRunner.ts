import type { ActorContext } from '../../actor/ActorContext.js';
import type { ActorSystem } from '../../actor/ActorSystem.js';
import type { Behavior, BehaviorResult } from '../../actor/Behavior.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { InternalMessage } from '../../actor/internal/InternalMessage.js';
import type { Signal } from '../../actor/Signal.js';
import type { TimerScheduler } from '../../actor/TimerScheduler.js';
import { isErrorNamed } from '../../errors/index.js';
import { Persistence } from '../../persistence/Persistence.js';
import type { EventEnvelope } from '../../query/EventEnvelope.js';
import { PersistenceQuery } from '../../query/PersistenceQuery.js';
import type { ReadJournal } from '../../query/ReadJournal.js';
import { SnapshotSelectionCriteria, type SnapshotMetadata } from '../../spi/SnapshotStore.js';
import { ViewQueryFailed, ViewRecoveryFailed } from '../errors.js';
import { Update } from '../Update.js';
import type { ResolvedViewOptions } from '../ViewOptions.js';
import { advance, isViewSnapshot, keyOf, startCursor, type ViewCursor, type ViewSnapshot } from './ViewCursor.js';
import type { ViewHandle, ViewLogic, ViewLogicFactory } from './ViewLogic.js';
import { ViewReader, type Batch } from './ViewReader.js';

class Pulled extends InternalMessage {
  constructor(
    readonly reader: ViewReader<unknown>,
    readonly batch: Batch<unknown>,
  ) {
    super();
  }
}

class PullFailed extends InternalMessage {
  constructor(
    readonly reader: ViewReader<unknown>,
    readonly error: unknown,
  ) {
    super();
  }
}

class AutoUpdateTick extends InternalMessage {}

class SnapshotDone extends InternalMessage {
  constructor(
    readonly metadata: SnapshotMetadata,
    readonly failure: { readonly cause: unknown } | undefined,
  ) {
    super();
  }
}

type ViewMessage<C> = C | Update | InternalMessage;

const TICK = new AutoUpdateTick();
const TIMER = 'persistent-view-update';

/**
 * The actor of a persistent view, in either form. It loads the view's latest snapshot (state and
 * cursor), then reads events with queries of the read side, a batch (what is ready, whole stored
 * events) per message so commands interleave with a long catch-up; it only ever reads the journal.
 */
export function viewBehavior<C, E>(factory: ViewLogicFactory<C, E>): Behavior<C | Update> {
  // One read journal per actor system, kept across restarts of the view.
  const journals = new WeakMap<ActorSystem, ReadJournal<E>>();
  const journalFor = (system: ActorSystem, options: ResolvedViewOptions<E>): ReadJournal<E> => {
    if (options.readJournal !== undefined) return options.readJournal(system);
    let journal = journals.get(system);
    if (journal === undefined) {
      const query = PersistenceQuery.get(system);
      journal = options.eventAdapter === undefined ? query.readJournal<E>() : query.readJournal<E>({ eventAdapter: options.eventAdapter });
      journals.set(system, journal);
    }
    return journal;
  };
  return Behaviors.withTimers<ViewMessage<C>>((timers) =>
    Behaviors.setup<ViewMessage<C>>(async (ctx) => {
      const runner = new ViewRunner<C, E>(ctx, timers, factory, journalFor);
      await runner.start();
      return Behaviors.receive<ViewMessage<C>>(
        (_ctx, message) => runner.receive(message),
        (_ctx, signal) => runner.signal(signal),
      );
    }),
  );
}

class ViewRunner<C, E> implements ViewHandle {
  private readonly logic: ViewLogic<C, E>;
  private readonly options: ResolvedViewOptions<E>;
  private readonly persistence: Persistence;
  private readonly readJournal: ReadJournal<E>;
  private cursor: ViewCursor;
  /** Envelopes applied since the view first started (restored from the snapshot). */
  private applied = 0;
  private savedApplied = 0;
  private last = 0;
  private persistent = false;
  private reader: ViewReader<E> | undefined;
  private pulling = false;
  /** Envelopes this round may still apply. */
  private budget: number;
  /** A failed query waits for the timer to be opened again. */
  private retrying = false;

  constructor(
    private readonly ctx: ActorContext<ViewMessage<C>>,
    private readonly timers: TimerScheduler<ViewMessage<C>>,
    factory: ViewLogicFactory<C, E>,
    journalFor: (system: ActorSystem, options: ResolvedViewOptions<E>) => ReadJournal<E>,
  ) {
    this.logic = factory(ctx as unknown as ActorContext<C>, this);
    this.options = this.logic.options;
    this.persistence = Persistence.get(ctx.system);
    this.readJournal = journalFor(ctx.system, this.options);
    this.cursor = startCursor(this.options.source.kind);
    this.budget = this.options.autoUpdateReplayMax;
  }

  get lastSequenceNr(): number {
    return this.last;
  }

  get snapshotSequenceNr(): number {
    return this.savedApplied;
  }

  get isPersistent(): boolean {
    return this.persistent;
  }

  async start(): Promise<void> {
    const { viewId } = this.options;
    const store = this.persistence.snapshotStore;
    let selected;
    try {
      selected = await this.persistence.trackStoreWork(store.load(viewId, SnapshotSelectionCriteria.latest()));
    } catch (error) {
      throw new ViewRecoveryFailed(viewId, 'loading its snapshot failed', error);
    }
    if (selected === undefined) {
      this.logic.recover(undefined);
    } else {
      const at = selected.metadata.sequenceNr;
      let value: unknown;
      try {
        value = this.persistence.serialization.get(selected.snapshot.serializerId).deserialize(selected.snapshot.payload, selected.snapshot.manifest);
      } catch (error) {
        throw new ViewRecoveryFailed(viewId, `its snapshot (sequence nr ${at}) cannot be deserialized`, error);
      }
      if (!isViewSnapshot(value)) {
        throw new ViewRecoveryFailed(viewId, `the snapshot stored under its id (sequence nr ${at}) is not a view's snapshot`, 'is the viewId shared with a persistent actor?');
      }
      this.cursor = value.cursor;
      this.applied = value.applied;
      this.savedApplied = value.applied;
      this.last = value.lastSequenceNr;
      this.logic.recover({ state: value.state, metadata: selected.metadata });
    }
    // As in Akka, the first catch-up is awaited: commands sent to a new view see what was stored.
    const { autoUpdate, autoUpdateReplayMax } = this.options;
    const caughtUp = await this.catchUp(autoUpdateReplayMax);
    this.ctx.log.debug({ viewId, applied: this.applied, lastSequenceNr: this.last }, `persistent view ${viewId} started`);
    if (caughtUp === undefined || !autoUpdate) return;
    this.budget = autoUpdateReplayMax - caughtUp;
    this.open(true);
    if (this.budget > 0) this.pull();
    else this.timers.startSingleTimer(TIMER, TICK, this.options.autoUpdateIntervalMs);
  }

  receive(message: ViewMessage<C>): BehaviorResult<ViewMessage<C>> | Promise<BehaviorResult<ViewMessage<C>>> {
    if (message instanceof Pulled) return this.onPulled(message);
    if (message instanceof PullFailed) return this.onPullFailed(message);
    if (message instanceof AutoUpdateTick) return this.onTick();
    if (message instanceof SnapshotDone) return this.onSnapshotDone(message);
    if (message instanceof Update) return this.onUpdate(message);
    if (message instanceof InternalMessage) return;
    this.logic.onCommand(message);
  }

  signal(signal: Signal): BehaviorResult<ViewMessage<C>> {
    if (signal.type === 'Terminated') return Behaviors.unhandled;
    this.closeReader();
    this.logic.postStop();
  }

  saveSnapshot(state: unknown): void {
    const { viewId } = this.options;
    const metadata: SnapshotMetadata = { persistenceId: viewId, sequenceNr: this.applied, timestamp: this.ctx.system.scheduler.now() };
    const snapshot: ViewSnapshot = { engramView: 1, state, cursor: this.cursor, applied: this.applied, lastSequenceNr: this.last };
    const serializer = this.persistence.serialization.snapshotSerializer;
    let save: Promise<void>;
    try {
      save = this.persistence.snapshotStore.save(metadata, { serializerId: serializer.id, manifest: '', payload: serializer.serialize(snapshot, '') });
    } catch (error) {
      save = Promise.reject(error);
    }
    this.ctx.pipeToSelf(
      this.persistence.trackStoreWork(save),
      () => new SnapshotDone(metadata, undefined),
      (cause) => new SnapshotDone(metadata, { cause }),
    );
  }

  private onSnapshotDone(message: SnapshotDone): void {
    const { metadata, failure } = message;
    const { viewId } = this.options;
    if (failure !== undefined) {
      this.ctx.log.warn({ err: failure.cause, viewId, sequenceNr: metadata.sequenceNr }, `persistent view ${viewId}: saving its snapshot failed`);
      this.logic.onSnapshotFailed(metadata, failure.cause);
      return;
    }
    this.savedApplied = Math.max(this.savedApplied, metadata.sequenceNr);
    // A view starts from its latest snapshot only, so older ones are of no use.
    if (metadata.sequenceNr > 0) {
      const older = SnapshotSelectionCriteria.of({ maxSequenceNr: metadata.sequenceNr - 1 });
      this.persistence
        .trackStoreWork(this.persistence.snapshotStore.deleteMatching(viewId, older))
        .catch((error: unknown) => this.ctx.log.warn({ err: error, viewId }, `persistent view ${viewId}: deleting its older snapshots failed`));
    }
    this.logic.onSnapshotSaved(metadata);
  }

  private onPulled(message: Pulled): void {
    if (message.reader !== this.reader) return;
    this.pulling = false;
    const batch = message.batch as Batch<E>;
    for (const envelope of batch.envelopes) this.apply(envelope);
    this.budget = Math.max(0, this.budget - batch.envelopes.length);
    if (batch.done) {
      this.reader = undefined;
      return;
    }
    if (this.budget > 0) return this.pull();
    if (this.options.autoUpdate) {
      // The live query stays open, unread (back-pressure), until the next interval.
      this.timers.startSingleTimer(TIMER, TICK, this.options.autoUpdateIntervalMs);
    } else {
      this.closeReader();
    }
  }

  private onPullFailed(message: PullFailed): void {
    if (message.reader !== this.reader) return;
    this.pulling = false;
    this.closeReader();
    this.failed(message.error);
  }

  private onTick(): void {
    const { autoUpdate, autoUpdateReplayMax } = this.options;
    if (autoUpdate) this.budget = Math.max(this.budget, autoUpdateReplayMax);
    if (this.reader === undefined && (autoUpdate || this.retrying)) this.open(autoUpdate);
    this.retrying = false;
    this.pull();
  }

  private async onUpdate(update: Update): Promise<void> {
    const { autoUpdate } = this.options;
    if (!update.await) {
      if (autoUpdate) {
        this.budget = Math.max(this.budget, update.replayMax);
        if (this.reader === undefined) this.open(true);
      } else {
        this.closeReader();
        this.budget = update.replayMax;
        this.open(false);
      }
      this.pull();
      return;
    }
    // Applied inside this handler, so the messages behind the Update wait for it.
    this.closeReader();
    if ((await this.catchUp(update.replayMax)) === undefined) return;
    if (autoUpdate) {
      this.open(true);
      this.pull();
    }
  }

  /**
   * Applies up to `max` of the stored events not applied yet, with a current query, in this
   * handler. Returns how many, or undefined when the query failed (a retry is scheduled).
   */
  private async catchUp(max: number): Promise<number | undefined> {
    const reader = new ViewReader(this.readJournal, this.options.source, this.cursor, false);
    let n = 0;
    try {
      while (n < max) {
        let result: IteratorResult<EventEnvelope<E>>;
        try {
          result = await reader.next();
        } catch (error) {
          this.failed(error);
          return undefined;
        }
        if (result.done === true) break;
        // A throw of the view's own handler fails the view (its supervisor decides), not the query.
        this.apply(result.value);
        n++;
      }
    } finally {
      reader.close();
    }
    return n;
  }

  private apply(envelope: EventEnvelope<E>): void {
    this.cursor = advance(this.cursor, keyOf(this.options.source.kind, envelope));
    this.applied++;
    this.last = envelope.sequenceNr;
    this.persistent = true;
    try {
      this.logic.onEvent(envelope);
    } finally {
      this.persistent = false;
    }
  }

  private failed(error: unknown): void {
    const { viewId, autoUpdateIntervalMs } = this.options;
    // Skipping an event that cannot be decoded would lose it: the view stops instead.
    if (isErrorNamed(error, 'EventNotReadable')) throw new ViewRecoveryFailed(viewId, 'an event it follows cannot be read', error);
    const failure = new ViewQueryFailed(viewId, autoUpdateIntervalMs, error);
    this.ctx.log.warn({ err: failure, viewId, lastSequenceNr: this.last }, failure.message);
    this.retrying = true;
    this.timers.startSingleTimer(TIMER, TICK, autoUpdateIntervalMs);
  }

  private open(live: boolean): void {
    this.closeReader();
    this.reader = new ViewReader(this.readJournal, this.options.source, this.cursor, live);
  }

  private closeReader(): void {
    this.reader?.close();
    this.reader = undefined;
    this.pulling = false;
  }

  private pull(): void {
    const reader = this.reader;
    if (reader === undefined || this.pulling || this.budget <= 0) return;
    this.pulling = true;
    this.ctx.pipeToSelf<Batch<E>>(
      reader.nextBatch(this.budget, (work) => this.ctx.system.trackPendingWork(work)),
      (batch) => new Pulled(reader as ViewReader<unknown>, batch),
      (error) => new PullFailed(reader as ViewReader<unknown>, error),
    );
  }
}
