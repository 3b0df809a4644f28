import { EngramError } from '../errors/index.js';

/** An offset text that is not an offset, or an offset of another kind of store than the one read. */
export class InvalidOffset extends EngramError {
  override readonly name = 'InvalidOffset';

  constructor(
    readonly offset: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`invalid offset ${JSON.stringify(offset)}: ${reason}`, cause);
  }
}

/** A stored event the read journal's serializers or event adapter could not turn back into an event. */
export class EventNotReadable extends EngramError {
  override readonly name = 'EventNotReadable';

  constructor(
    readonly persistenceId: string,
    readonly sequenceNr: number,
    readonly manifest: string,
    cause: unknown,
  ) {
    super(
      `event ${sequenceNr} of persistenceId "${persistenceId}" (manifest ${JSON.stringify(manifest)}) could not be read: ` +
        `${cause instanceof Error ? cause.message : String(cause)}; give the read journal the serializers and event adapter the writer used`,
      cause,
    );
  }
}

/** The configured journal has no query side (`Journal.reader`), or the read journal was closed. */
export class QueryUnavailable extends EngramError {
  override readonly name = 'QueryUnavailable';

  constructor(reason: string) {
    super(`persistence query is unavailable: ${reason}`);
  }
}
