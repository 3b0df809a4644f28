import type { PersistentRepr, SerializedValue } from '@engram/core/spi';
import { decodePayload } from '../codec/index.js';
import type { EventType } from './EventTypes.js';

/**
 * Metadata as `metadataColumn` selects it (the driver parses the JSON): serializer id, manifest,
 * payload kind, the text form or the bytes as hex.
 */
export type MetadataValue = readonly [serializerId: number, manifest: string, kind: number, text: string | null, hex: string | null];

const noTags: readonly string[] = Object.freeze([]);

/** One event from its stored parts. Every repr has the same shape, metadata or not, bar `metadata`. */
export function reprOf(
  persistenceId: string,
  sequenceNr: number,
  writerUuid: string,
  timestamp: number,
  type: Pick<EventType, 'serializerId' | 'manifest' | 'kind'>,
  text: string | null,
  bytes: Uint8Array | null,
  tags: string[] | null,
  metadata: MetadataValue | null,
): PersistentRepr {
  const repr = {
    persistenceId,
    sequenceNr,
    serializerId: type.serializerId,
    manifest: type.manifest,
    payload: decodePayload(type.kind, text, bytes),
    writerUuid,
    timestamp,
    tags: tags ?? noTags,
  };
  return metadata === null ? repr : { ...repr, metadata: metadataOf(metadata) };
}

function metadataOf([serializerId, manifest, kind, text, hex]: MetadataValue): SerializedValue {
  return { serializerId, manifest, payload: decodePayload(kind, text, hex === null ? null : Buffer.from(hex, 'hex')) };
}
