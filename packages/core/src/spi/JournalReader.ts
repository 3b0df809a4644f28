import type { PersistentRepr } from './PersistentRepr.js';

/**
 * The query plugin SPI: paged reads a store answers with SQL (or its own structures). Core's
 * `ReadJournal` turns them into live and current `AsyncIterable<EventEnvelope>`s: iteration,
 * waking, back-pressure and decoding are written once, in core.
 *
 * `P` is the store's position in its global order (an ordering number, a transaction id and an
 * ordering, ...). Core never looks inside one: it passes back the position of the last event a
 * consumer saw, and prints and parses positions with `formatPosition` / `parsePosition`.
 *
 * The contract that makes "no skip, no duplicate" a property of the store (TCK read-journal cases):
 * - `readEvents` returns events in one total order that never changes: an event returned after
 *   position X is never later found at or before X, and no event is returned twice.
 * - Every event at or before the position of the last event a page returned was committed when the
 *   page was read; a page stops early (returns fewer than `limit`) rather than return an event that
 *   a transaction still in flight could precede. Stores whose writers commit in position order
 *   (one writer at a time: SQLite, memory) get this for free; PostgreSQL reads below a horizon.
 * - For one persistenceId, positions ascend with sequence nrs.
 */
export interface JournalReader<P = unknown> {
  /** Short name printed into offsets (`sqlite`, `postgres`, `memory`); an offset of another kind is refused. */
  readonly offsetKind: string;
  /** Before the first event. */
  readonly startPosition: P;
  /** The text form of a position, without whitespace; `parsePosition` reads it back. */
  formatPosition(position: P): string;
  /** Throws (any Error, core wraps it as `InvalidOffset`) when the text is not a position of this store. */
  parsePosition(text: string): P;

  /**
   * A position at or after every event committed before this call, and before every event whose
   * transaction had not begun: the end of a `current*` query.
   */
  readCeiling(): Promise<P>;

  /**
   * A position before every event not yet committed at the time of this call (and after as many
   * committed ones as the store can tell): following `readEvents` from it misses nothing committed
   * later. Stores whose writers commit in position order return the same as `readCeiling`.
   */
  readHorizon(): Promise<P>;

  /** Up to `limit` events after `after` (exclusive), in global order; deleted events are not returned. See the contract above. */
  readEvents(query: GlobalQuery<P>): Promise<GlobalPage<P>>;

  /**
   * Up to `limit` stored events of one id with `fromSequenceNr <= sequenceNr <= toSequenceNr`
   * (`toSequenceNr` may be `Infinity`), ascending, each with its global position. Deleted events are
   * not returned.
   */
  readEventsByPersistenceId(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    limit: number,
  ): Promise<readonly PositionedEvent<P>[]>;

  /** The highest sequence nr stored for the id (0 when none): the end of a current query by id. */
  readHighestSequenceNr(persistenceId: string): Promise<number>;

  /**
   * Up to `limit` persistenceIds that have stored at least one event, in the store's id order,
   * after `afterId` (exclusive; from the first when undefined).
   */
  readPersistenceIds(afterId: string | undefined, limit: number): Promise<readonly string[]>;

  /**
   * A cheap value that changes whenever `readEvents` could return more than before (a commit,
   * also by another process, or a held-back horizon moving on). Live queries that found nothing
   * wait on it: one shared check per interval for every idle consumer of the store.
   */
  readChangeMarker(): Promise<string>;

  /**
   * Push notification of commits from other processes (PostgreSQL LISTEN/NOTIFY). Calls `onChange`
   * after events may have been committed; returns the unsubscribe function. Optional: without it,
   * core checks `readChangeMarker` every `pollIntervalMs`.
   */
  subscribe?(onChange: () => void): () => void;

  /** How often an idle live query checks `readChangeMarker`, in ms. Core's default when absent: 100. */
  readonly pollIntervalMs?: number;

  /** Releases what the reader holds on its own (connections, files). Not called for a journal's shared reader. */
  close?(): Promise<void>;
}

export interface GlobalQuery<P> {
  /** Exclusive. */
  readonly after: P;
  /** Only events carrying this tag; every event when absent. */
  readonly tag?: string;
  /** A positive integer. */
  readonly limit: number;
  /** When given, no event after this position (a `readCeiling` result) is returned. */
  readonly upTo?: P;
}

export interface GlobalPage<P> {
  readonly events: readonly PositionedEvent<P>[];
  /**
   * Only with `upTo`: true when no event between the last one returned (or `after`) and `upTo` can
   * still appear. False while a transaction that may commit such an event is in flight, and
   * whenever the page is full.
   */
  readonly complete: boolean;
}

export interface PositionedEvent<P> {
  readonly position: P;
  readonly repr: PersistentRepr;
}
