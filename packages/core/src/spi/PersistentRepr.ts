/**
 * One event as a journal plugin sees it: already serialized by core. Plugins store and return
 * these fields unchanged; they never look inside `payload`.
 */
export interface PersistentRepr {
  readonly persistenceId: string;
  /**
   * 1-based, ascending per persistenceId, assigned by the engine. Not gap-free: the numbers of a
   * rejected write are not reused (see `Journal`).
   */
  readonly sequenceNr: number;
  /** Id of the serializer that produced `payload` (see `Serialization`). */
  readonly serializerId: number;
  /** Type and version of the payload, e.g. `Deposited` or `Deposited@v2`; may be empty. */
  readonly manifest: string;
  /** JSON text for text serializers, bytes for binary ones. Round-trips exactly. */
  readonly payload: string | Uint8Array;
  /** Identifies the writing actor incarnation; differs between two live writers of one id. */
  readonly writerUuid: string;
  /** Milliseconds since the epoch, set by the writer. */
  readonly timestamp: number;
  readonly tags: readonly string[];
  /** Optional serialized metadata, stored beside the event when the plugin supports it. */
  readonly metadata?: SerializedValue;
}

/** A serialized value outside an event: snapshot payloads, event metadata. */
export interface SerializedValue {
  readonly serializerId: number;
  readonly manifest: string;
  readonly payload: string | Uint8Array;
}

/**
 * Events of one persistenceId that must land together or not at all. Sequence numbers are
 * consecutive and in order.
 */
export interface AtomicWrite {
  readonly persistenceId: string;
  readonly events: readonly PersistentRepr[];
}
