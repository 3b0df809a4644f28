import type { ActorContext } from '../actor/ActorContext.js';
import type { ActorRef } from '../actor/ActorRef.js';
import type { ActorSystem } from '../actor/ActorSystem.js';
import type { Behavior } from '../actor/Behavior.js';
import type { Logger } from '../actor/Logger.js';
import type { SnapshotOffer } from '../persistence/responses.js';
import type { EventEnvelope } from '../query/EventEnvelope.js';
import type { ReadJournal } from '../query/ReadJournal.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import type { SnapshotMetadata } from '../spi/SnapshotStore.js';
import { IllegalViewOperation } from './errors.js';
import { FunctionalViewLogic } from './internal/FunctionalViewLogic.js';
import type { ViewHandle, ViewLogic } from './internal/ViewLogic.js';
import { viewBehavior } from './internal/ViewRunner.js';
import type { PersistentViewSettings } from './PersistentViewSettings.js';
import type { Update } from './Update.js';
import { resolveViewOptions, type ResolvedViewOptions } from './ViewOptions.js';

const bind = Symbol('engram.persistentView.bind');

interface Binding<C> {
  readonly ctx: ActorContext<C>;
  readonly handle: ViewHandle;
}

/**
 * The classic persistent view, as Akka.NET's `PersistentView`: a read-only actor that follows the
 * events of one persistenceId (or of a tag) and builds its own state from them, never writing to
 * the journal. `receiveEvent` gets each event (`isPersistent` is true meanwhile, `lastSequenceNr`
 * is its sequence nr), `receiveCommand` everything sent to the view. `saveSnapshot(state)` stores
 * the state with the position read so far under the `viewId`; after a restart the view gets it in
 * `receiveSnapshot` and reads on from that position, so no event is lost or applied twice.
 * Spawn it with `persistentView(() => new MyView())`.
 *
 * Override the settings as fields: `autoUpdate`, `autoUpdateIntervalMs`, `autoUpdateReplayMax`.
 */
export abstract class PersistentView<C, E = unknown> {
  /** The persistenceId followed. (To follow a tag, use the settings form: `persistentView({ tag, ... })`.) */
  abstract readonly persistenceId: string;
  /** Identifies the view (its snapshots); not the persistenceId it follows. */
  abstract readonly viewId: string;
  /** Follow new events with a live query. Default true. */
  autoUpdate = true;
  /** With `autoUpdateReplayMax`: the period per batch; also the wait after a failed query. Default 5,000 ms. */
  autoUpdateIntervalMs = 5000;
  /** Events applied at most per `autoUpdateIntervalMs`. Default: no limit. */
  autoUpdateReplayMax = Infinity;
  /** Turns stored events into today's events (upcasting). Default: identity. */
  readonly eventAdapter: EventAdapter<E, unknown> | undefined = undefined;
  /** Where events are read. Default: the actor system's journal. */
  readonly readJournal: ((system: ActorSystem) => ReadJournal<E>) | undefined = undefined;
  #binding: Binding<C> | undefined;

  /** One event of the followed stream, in order, once. */
  abstract receiveEvent(event: E, envelope: EventEnvelope<E>): void;
  /** Messages sent to the view (an `Update` is handled by the view itself). */
  abstract receiveCommand(command: C): void;
  /** Before the first event, when the view has a snapshot: restore the state it holds. */
  receiveSnapshot(_offer: SnapshotOffer): void {}
  /** A `saveSnapshot` was stored. */
  onSnapshotSaved(_metadata: SnapshotMetadata): void {}
  /** A `saveSnapshot` failed (it is logged); the view goes on, and later snapshots may succeed. */
  onSnapshotFailed(_metadata: SnapshotMetadata, _cause: unknown): void {}
  /** Called when the view stops or restarts. */
  postStop(): void {}

  get context(): ActorContext<C> {
    return this.binding('context').ctx;
  }

  get self(): ActorRef<C | Update> {
    return this.context.self as ActorRef<C | Update>;
  }

  get log(): Logger {
    return this.context.log;
  }

  /** True while `receiveEvent` handles an event from the journal, false for commands. */
  get isPersistent(): boolean {
    return this.binding('isPersistent').handle.isPersistent;
  }

  /** Sequence nr of the last event applied (of its own persistenceId, when following a tag). */
  get lastSequenceNr(): number {
    return this.binding('lastSequenceNr').handle.lastSequenceNr;
  }

  /** Envelopes applied up to the latest snapshot saved or recovered (0: none). */
  get snapshotSequenceNr(): number {
    return this.binding('snapshotSequenceNr').handle.snapshotSequenceNr;
  }

  /**
   * Stores `state` with the position read so far (including the event being handled, in
   * `receiveEvent`): pass the state as it is after that event.
   */
  saveSnapshot(state: unknown): void {
    this.binding('saveSnapshot').handle.saveSnapshot(state);
  }

  /** @internal */
  [bind](binding: Binding<C>): void {
    this.#binding = binding;
  }

  private binding(member: string): Binding<C> {
    if (this.#binding === undefined) {
      throw new IllegalViewOperation(String(this.viewId), `${member} is only available once the view runs (not in its constructor)`);
    }
    return this.#binding;
  }
}

class ClassicViewLogic<C, E> implements ViewLogic<C, E> {
  readonly options: ResolvedViewOptions<E>;

  constructor(private readonly view: PersistentView<C, E>) {
    this.options = resolveViewOptions<E>({
      viewId: view.viewId,
      persistenceId: view.persistenceId,
      autoUpdate: view.autoUpdate,
      autoUpdateIntervalMs: view.autoUpdateIntervalMs,
      autoUpdateReplayMax: view.autoUpdateReplayMax,
      eventAdapter: view.eventAdapter,
      readJournal: view.readJournal,
    });
  }

  recover(snapshot: { readonly state: unknown; readonly metadata: SnapshotMetadata } | undefined): void {
    if (snapshot !== undefined) this.view.receiveSnapshot({ type: 'SnapshotOffer', metadata: snapshot.metadata, snapshot: snapshot.state });
  }

  onEvent(envelope: EventEnvelope<E>): void {
    this.view.receiveEvent(envelope.event, envelope);
  }

  onCommand(command: C): void {
    this.view.receiveCommand(command);
  }

  onSnapshotSaved(metadata: SnapshotMetadata): void {
    this.view.onSnapshotSaved(metadata);
  }

  onSnapshotFailed(metadata: SnapshotMetadata, cause: unknown): void {
    this.view.onSnapshotFailed(metadata, cause);
  }

  postStop(): void {
    this.view.postStop();
  }
}

/**
 * A persistent view as a behavior: from a class (`persistentView(() => new MyView())`, a new
 * instance per start) or from settings (`persistentView({ viewId, persistenceId, initialState,
 * eventHandler, commandHandler })`). The ref accepts the view's commands and `Update`.
 */
export function persistentView<C, E = unknown>(create: () => PersistentView<C, E>): Behavior<C | Update>;
export function persistentView<C, E, S>(settings: PersistentViewSettings<C, E, S>): Behavior<C | Update>;
export function persistentView<C, E, S>(definition: (() => PersistentView<C, E>) | PersistentViewSettings<C, E, S>): Behavior<C | Update> {
  if (typeof definition === 'function') {
    return viewBehavior<C, E>((ctx, handle) => {
      const view = definition();
      view[bind]({ ctx, handle });
      return new ClassicViewLogic(view);
    });
  }
  // Checked now, so a mistake shows where the view is defined rather than when it starts.
  resolveViewOptions(definition);
  return viewBehavior<C, E>((ctx, handle) => new FunctionalViewLogic(definition, ctx, handle));
}
