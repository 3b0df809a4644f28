import type { ActorContext } from '../../actor/ActorContext.js';
import { requireNumber } from '../../errors/index.js';
import type { EventEnvelope } from '../../query/EventEnvelope.js';
import type { PersistentViewSettings, ViewContext } from '../PersistentViewSettings.js';
import { resolveViewOptions, type ResolvedViewOptions } from '../ViewOptions.js';
import type { ViewHandle, ViewLogic } from './ViewLogic.js';

export class FunctionalViewLogic<C, E, S> implements ViewLogic<C, E> {
  readonly options: ResolvedViewOptions<E>;
  private state: S;
  private readonly snapshotEvery: number;
  private sinceSnapshot = 0;
  private readonly view: ViewContext<C>;

  constructor(
    private readonly settings: PersistentViewSettings<C, E, S>,
    ctx: ActorContext<C>,
    handle: ViewHandle,
  ) {
    this.options = resolveViewOptions(settings);
    this.snapshotEvery = requireNumber(`persistent view ${JSON.stringify(settings.viewId)} snapshotEvery`, settings.snapshotEvery ?? Infinity, {
      min: 1,
      integer: true,
      allowInfinity: true,
    });
    this.state = settings.initialState;
    this.view = {
      ctx,
      get lastSequenceNr() {
        return handle.lastSequenceNr;
      },
      get snapshotSequenceNr() {
        return handle.snapshotSequenceNr;
      },
      saveSnapshot: () => {
        this.sinceSnapshot = 0;
        handle.saveSnapshot(this.state);
      },
    };
  }

  recover(snapshot: { readonly state: unknown } | undefined): void {
    if (snapshot !== undefined) this.state = snapshot.state as S;
  }

  onEvent(envelope: EventEnvelope<E>): void {
    this.state = this.settings.eventHandler(this.state, envelope.event, envelope);
    if (++this.sinceSnapshot >= this.snapshotEvery) this.view.saveSnapshot();
  }

  onCommand(command: C): void {
    const next = this.settings.commandHandler?.(this.state, command, this.view);
    if (next !== undefined) this.state = next;
  }

  onSnapshotSaved(): void {}

  onSnapshotFailed(): void {}

  postStop(): void {}
}
