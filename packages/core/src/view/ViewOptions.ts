import type { ActorSystem } from '../actor/ActorSystem.js';
import { InvalidArgument, requireNumber } from '../errors/index.js';
import type { ReadJournal } from '../query/ReadJournal.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';

/** What a persistent view follows and how it keeps up; the same members in both forms. */
export interface ViewOptions<E> {
  /** Identifies the view: its snapshots are stored under this id. Not the followed id. */
  readonly viewId: string;
  /** Follow the events of this persistenceId (give this or `tag`). */
  readonly persistenceId?: string | undefined;
  /** Follow the events carrying this tag, in the store's global order (give this or `persistenceId`). */
  readonly tag?: string | undefined;
  /**
   * Follow new events as they are stored, with a live query (default true). Off: the view reads
   * only when it starts and on `Update`.
   */
  readonly autoUpdate?: boolean;
  /**
   * With `autoUpdateReplayMax`, the period in which at most that many events are applied; and the
   * wait before reading again after a failed query. Not a polling period: the live query wakes on
   * the store's notifications. Default 5,000 ms.
   */
  readonly autoUpdateIntervalMs?: number;
  /** Events applied at most per automatic update (per `autoUpdateIntervalMs`). Default: no limit. */
  readonly autoUpdateReplayMax?: number;
  /** Turns stored events into today's events, as the writer's adapter does. Default: identity. */
  readonly eventAdapter?: EventAdapter<E, unknown> | undefined;
  /**
   * Where the events are read. Default: `PersistenceQuery.get(system).readJournal()`, the system's
   * journal, which wakes the view as soon as an actor of the system persists.
   */
  readonly readJournal?: ((system: ActorSystem) => ReadJournal<E>) | undefined;
}

/** @internal */
export interface ResolvedViewOptions<E> {
  readonly viewId: string;
  readonly source: { readonly kind: 'persistenceId'; readonly persistenceId: string } | { readonly kind: 'tag'; readonly tag: string };
  readonly autoUpdate: boolean;
  readonly autoUpdateIntervalMs: number;
  readonly autoUpdateReplayMax: number;
  readonly eventAdapter: EventAdapter<E, unknown> | undefined;
  readonly readJournal: ((system: ActorSystem) => ReadJournal<E>) | undefined;
}

/** @internal Checks the options; the errors name the view and the member. */
export function resolveViewOptions<E>(options: ViewOptions<E>): ResolvedViewOptions<E> {
  const { viewId, persistenceId, tag } = options;
  if (typeof viewId !== 'string' || viewId.length === 0) throw new InvalidArgument('persistent view viewId', viewId, 'a non-empty string');
  const member = (name: string) => `persistent view ${JSON.stringify(viewId)} ${name}`;
  if ((persistenceId === undefined) === (tag === undefined)) {
    throw new InvalidArgument(member('persistenceId / tag'), { persistenceId, tag }, 'exactly one of persistenceId (one actor) or tag (events by tag)');
  }
  if (persistenceId !== undefined && (typeof persistenceId !== 'string' || persistenceId.length === 0)) {
    throw new InvalidArgument(member('persistenceId'), persistenceId, 'a non-empty string');
  }
  if (tag !== undefined && (typeof tag !== 'string' || tag.length === 0)) throw new InvalidArgument(member('tag'), tag, 'a non-empty string');
  if (persistenceId === viewId) {
    throw new InvalidArgument(member('viewId'), viewId, 'an id other than the followed persistenceId (the view stores its snapshots under it)');
  }
  const autoUpdate = options.autoUpdate ?? true;
  if (typeof autoUpdate !== 'boolean') throw new InvalidArgument(member('autoUpdate'), autoUpdate, 'true or false');
  return {
    viewId,
    source: persistenceId !== undefined ? { kind: 'persistenceId', persistenceId } : { kind: 'tag', tag: tag! },
    autoUpdate,
    autoUpdateIntervalMs: requireNumber(member('autoUpdateIntervalMs'), options.autoUpdateIntervalMs ?? 5000, { min: 1 }),
    autoUpdateReplayMax: requireNumber(member('autoUpdateReplayMax'), options.autoUpdateReplayMax ?? Infinity, {
      min: 1,
      integer: true,
      allowInfinity: true,
    }),
    eventAdapter: options.eventAdapter,
    readJournal: options.readJournal,
  };
}
