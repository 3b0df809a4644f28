import type { PersistentRepr } from '@engram/core/spi';
import type { EventType, EventTypes } from './EventTypes.js';
import { reprOf, type MetadataValue } from './reprOf.js';

/** The rare parts of a replayed row, as `JournalStatements.replay` selects them (JSON). */
type Extras = readonly [
  bytesHex: string | null,
  tags: string[] | null,
  metadata: MetadataValue | null,
  /** Where a writer's run starts, and on the first row. */
  writerUuid: string | null,
  /** [serializer id, manifest, payload kind], when the reader did not know the type id. */
  type: readonly [number, string, number] | null,
  /** The payload is not text (the row's text is then empty). */
  noText: boolean,
];

/** A row of `JournalStatements.replay`: `"<sequence nr> <timestamp> <type id> <text payload>"`, extras. */
export type ReplayRow = readonly [event: string, extras: Extras | null];

/**
 * Turns the rows of one replay, in order, into events: it carries the writer of the current run
 * from row to row, and the event types from the journal's cache (learning the ones the rows
 * describe).
 */
export class ReplayDecoder {
  #writerUuid: string | undefined;
  #type: EventType | undefined;

  constructor(
    private readonly persistenceId: string,
    private readonly types: EventTypes,
  ) {}

  decode([event, extras]: ReplayRow): PersistentRepr {
    const afterSeq = event.indexOf(' ');
    const afterTimestamp = event.indexOf(' ', afterSeq + 1);
    const afterType = event.indexOf(' ', afterTimestamp + 1);
    const sequenceNr = Number(event.slice(0, afterSeq));
    const timestamp = Number(event.slice(afterSeq + 1, afterTimestamp));
    const typeId = Number(event.slice(afterTimestamp + 1, afterType));
    // Numbers never contain a space; the payload is everything after the third one.
    const text = event.slice(afterType + 1);
    const pid = this.persistenceId;
    if (extras === null) {
      return reprOf(pid, sequenceNr, this.#writer(sequenceNr), timestamp, this.#typeOf(typeId, sequenceNr), text, null, null, null);
    }
    const [hex, tags, metadata, writerUuid, described, noText] = extras;
    if (writerUuid !== null) this.#writerUuid = writerUuid;
    const type = described === null ? this.#typeOf(typeId, sequenceNr) : this.types.learn(typeId, ...described);
    const bytes = hex === null ? null : Buffer.from(hex, 'hex');
    return reprOf(pid, sequenceNr, this.#writer(sequenceNr), timestamp, type, noText ? null : text, bytes, tags, metadata);
  }

  #writer(sequenceNr: number): string {
    const writer = this.#writerUuid;
    if (writer === undefined) throw new Error(`stored event ${sequenceNr} has no writer uuid and no writer run`);
    return writer;
  }

  #typeOf(typeId: number, sequenceNr: number): EventType {
    let type = this.#type;
    if (type === undefined || type.id !== typeId) {
      type = this.types.get(typeId);
      if (type === undefined) throw new Error(`stored event ${sequenceNr} has event type ${typeId}, which does not exist`);
      this.#type = type;
    }
    return type;
  }
}
