import type { Offset } from './Offset.js';

/** One event as a query returns it: deserialized and upcast as in recovery. */
export interface EventEnvelope<E = unknown> {
  /** Where the event is in the global order; resume a query from it (exclusive). */
  readonly offset: Offset;
  readonly persistenceId: string;
  readonly sequenceNr: number;
  readonly event: E;
  /** When the writer persisted it, in milliseconds since the epoch. */
  readonly timestamp: number;
  readonly tags: readonly string[];
  /** Deserialized event metadata, when the writer stored some. */
  readonly metadata?: unknown;
}

/**
 * A stable id of the stored event, `persistenceId:sequenceNr`, the same on every read: the key for
 * idempotent writes to an external store (a message broker's deduplication id, a search index's
 * document id).
 */
export function envelopeId(envelope: Pick<EventEnvelope, 'persistenceId' | 'sequenceNr'>): string {
  return `${envelope.persistenceId}:${envelope.sequenceNr}`;
}
