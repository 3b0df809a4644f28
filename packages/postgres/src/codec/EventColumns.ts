import type { PersistentRepr } from '@engram/core/spi';
import { ArrayParameter, elementType } from './ArrayParameter.js';
import { payloadKind } from './payload.js';
import { textArrayLiteral } from './text.js';

/**
 * The journal insert statement's 13 parameters (journal/journalStatements.ts), in the order of
 * its $1..$13, built row by row as binary arrays: no text array literal to build here and parse
 * on the server, and one buffer per column instead of an array of values and then a string.
 * Columns that are null on every row, as metadata almost always is, go as a null parameter: the
 * statement's unnest pads them.
 */
export class EventColumns {
  readonly #ids: ArrayParameter;
  readonly #seqs: ArrayParameter;
  readonly #writers: ArrayParameter;
  readonly #timestamps: ArrayParameter;
  readonly #typeIds: ArrayParameter;
  readonly #texts: ArrayParameter;
  readonly #bytes: ArrayParameter;
  readonly #tags: ArrayParameter;
  #meta: MetadataColumns | undefined;
  /** Some row has tags: the statement that also fills the tag table is needed. */
  tagged = false;
  /** The tags of the last tagged row and their literal: consecutive events mostly carry the same tags. */
  #lastTags: readonly string[] = [];
  #lastTagsLiteral = '{}';

  /** `capacity`: the rows there will be, at most. */
  constructor(private readonly capacity: number) {
    this.#ids = new ArrayParameter(elementType.text, capacity, 40);
    this.#seqs = new ArrayParameter(elementType.int8, capacity, 8);
    this.#writers = new ArrayParameter(elementType.text, capacity, 0);
    this.#timestamps = new ArrayParameter(elementType.int8, capacity, 8);
    this.#typeIds = new ArrayParameter(elementType.int4, capacity, 4);
    this.#texts = new ArrayParameter(elementType.text, capacity, 200);
    this.#bytes = new ArrayParameter(elementType.bytea, capacity, 0);
    this.#tags = new ArrayParameter(elementType.text, capacity, 0);
  }

  get rows(): number {
    return this.#ids.length;
  }

  /** `writer`: the writer uuid the row carries, null where it continues a run. */
  add(event: PersistentRepr, writer: string | null, typeId: number): void {
    this.#ids.text(event.persistenceId);
    this.#seqs.int8(event.sequenceNr);
    this.#writers.text(writer);
    this.#timestamps.int8(event.timestamp);
    this.#typeIds.int4(typeId);
    addPayload(event.payload, this.#texts, this.#bytes);
    if (event.tags.length === 0) {
      this.#tags.null();
    } else {
      if (!sameStrings(event.tags, this.#lastTags)) {
        this.#lastTagsLiteral = textArrayLiteral(event.tags);
        this.#lastTags = event.tags;
      }
      this.#tags.text(this.#lastTagsLiteral);
      this.tagged = true;
    }
    const meta = event.metadata;
    if (meta !== undefined) {
      // Rows before the first with metadata have none.
      this.#meta ??= new MetadataColumns(this.capacity, this.#ids.length - 1);
      this.#meta.add(meta.serializerId, meta.manifest, meta.payload);
    } else {
      this.#meta?.none();
    }
  }

  values(): (Buffer | null)[] {
    const meta = this.#meta;
    return [
      this.#ids.value(),
      this.#seqs.value(),
      this.#writers.valueOrNull(),
      this.#timestamps.value(),
      this.#typeIds.value(),
      this.#texts.valueOrNull(),
      this.#bytes.valueOrNull(),
      this.#tags.valueOrNull(),
      ...(meta === undefined ? [null, null, null, null, null] : meta.values()),
    ];
  }
}

class MetadataColumns {
  readonly #serializers: ArrayParameter;
  readonly #manifests: ArrayParameter;
  readonly #kinds: ArrayParameter;
  readonly #texts: ArrayParameter;
  readonly #bytes: ArrayParameter;

  constructor(capacity: number, without: number) {
    this.#serializers = new ArrayParameter(elementType.int4, capacity, 4);
    this.#manifests = new ArrayParameter(elementType.text, capacity, 20);
    this.#kinds = new ArrayParameter(elementType.int2, capacity, 2);
    this.#texts = new ArrayParameter(elementType.text, capacity, 20);
    this.#bytes = new ArrayParameter(elementType.bytea, capacity, 0);
    for (let i = 0; i < without; i++) this.none();
  }

  add(serializerId: number, manifest: string, payload: string | Uint8Array): void {
    this.#serializers.int4(serializerId);
    this.#manifests.text(manifest);
    this.#kinds.int2(payloadKind(payload));
    addPayload(payload, this.#texts, this.#bytes);
  }

  none(): void {
    this.#serializers.null();
    this.#manifests.null();
    this.#kinds.null();
    this.#texts.null();
    this.#bytes.null();
  }

  values(): (Buffer | null)[] {
    return [
      this.#serializers.value(),
      this.#manifests.value(),
      this.#kinds.value(),
      this.#texts.valueOrNull(),
      this.#bytes.valueOrNull(),
    ];
  }
}

/** A payload into its (text, bytes) column pair, as `PayloadKind` says. */
function addPayload(payload: string | Uint8Array, texts: ArrayParameter, bytes: ArrayParameter): void {
  if (typeof payload !== 'string') {
    texts.null();
    bytes.bytes(payload);
  } else if (payloadKind(payload) === 2) {
    texts.null();
    bytes.bytes(Buffer.from(payload, 'utf8'));
  } else {
    texts.text(payload);
    bytes.null();
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
