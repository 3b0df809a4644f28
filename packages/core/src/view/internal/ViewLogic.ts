import type { ActorContext } from '../../actor/ActorContext.js';
import type { EventEnvelope } from '../../query/EventEnvelope.js';
import type { SnapshotMetadata } from '../../spi/SnapshotStore.js';
import type { ResolvedViewOptions } from '../ViewOptions.js';

/** What the runner offers a view's logic while it handles a message. */
export interface ViewHandle {
  readonly lastSequenceNr: number;
  readonly snapshotSequenceNr: number;
  readonly isPersistent: boolean;
  /** Stores `state` with the position read so far under the viewId. */
  saveSnapshot(state: unknown): void;
}

/** The user's side of a view, in either form (class or settings). */
export interface ViewLogic<C, E> {
  readonly options: ResolvedViewOptions<E>;
  /** Once, before the first event: the state of the latest snapshot, if there is one. */
  recover(snapshot: { readonly state: unknown; readonly metadata: SnapshotMetadata } | undefined): void;
  onEvent(envelope: EventEnvelope<E>): void;
  onCommand(command: C): void;
  onSnapshotSaved(metadata: SnapshotMetadata): void;
  onSnapshotFailed(metadata: SnapshotMetadata, cause: unknown): void;
  postStop(): void;
}

export type ViewLogicFactory<C, E> = (ctx: ActorContext<C>, handle: ViewHandle) => ViewLogic<C, E>;
