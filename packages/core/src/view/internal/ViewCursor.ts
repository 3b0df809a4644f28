import type { EventEnvelope } from '../../query/EventEnvelope.js';

/** A stored event's identity in the followed stream: its sequence nr (by id) or offset text (by tag). */
export type StreamKey = number | string;

/**
 * How far a view has read, kept in its snapshots beside its state. An event adapter may turn one
 * stored event into several envelopes, and a snapshot may be taken between two of them, so the
 * cursor names the stored event being applied and how many of its envelopes were: a restart reads
 * that event again and skips them, never applying one twice or losing the rest.
 */
export interface ViewCursor {
  /** The last stored event passed completely: a sequence nr (0: none) or an offset text (`start`: none). */
  readonly before: StreamKey;
  /** The stored event whose envelopes were applied last, and how many of them. */
  readonly current?: { readonly key: StreamKey; readonly applied: number };
}

export function startCursor(kind: 'persistenceId' | 'tag'): ViewCursor {
  return { before: kind === 'persistenceId' ? 0 : 'start' };
}

export function keyOf(kind: 'persistenceId' | 'tag', envelope: EventEnvelope<unknown>): StreamKey {
  return kind === 'persistenceId' ? envelope.sequenceNr : String(envelope.offset);
}

/** The cursor after applying an envelope with `key`. */
export function advance(cursor: ViewCursor, key: StreamKey): ViewCursor {
  const current = cursor.current;
  if (current !== undefined && current.key === key) return { before: cursor.before, current: { key, applied: current.applied + 1 } };
  return { before: current === undefined ? cursor.before : current.key, current: { key, applied: 1 } };
}

/** What a view keeps in a snapshot (under its viewId). */
export interface ViewSnapshot {
  readonly engramView: 1;
  readonly state: unknown;
  readonly cursor: ViewCursor;
  /** Envelopes applied since the view first started: the snapshot's sequence nr. */
  readonly applied: number;
  readonly lastSequenceNr: number;
}

export function isViewSnapshot(value: unknown): value is ViewSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const snapshot = value as Partial<ViewSnapshot>;
  const cursor = snapshot.cursor;
  const isKey = (key: unknown) => typeof key === 'number' || typeof key === 'string';
  return (
    snapshot.engramView === 1 &&
    typeof snapshot.applied === 'number' &&
    typeof snapshot.lastSequenceNr === 'number' &&
    typeof cursor === 'object' &&
    cursor !== null &&
    isKey(cursor.before) &&
    (cursor.current === undefined || (isKey(cursor.current.key) && typeof cursor.current.applied === 'number'))
  );
}
