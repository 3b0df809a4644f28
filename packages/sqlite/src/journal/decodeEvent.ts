import type { PersistentRepr } from '@engram/core/spi';
import { EventColumn } from './JournalStatements.js';

const NO_TAGS: readonly string[] = Object.freeze([]);

/** Turns the integer ids stored on an event row back into writer uuids and manifests. */
export interface NameLookup {
  writerUuid(id: number): string;
  manifest(id: number): string;
}

/** A replay row back into the repr that was written: text stays text, bytes stay bytes. */
export function decodeEvent(persistenceId: string, row: readonly unknown[], names: NameLookup): PersistentRepr {
  const tags = row[EventColumn.tags];
  const metaSerializerId = row[EventColumn.metaSerializerId];
  const repr: PersistentRepr = {
    persistenceId,
    sequenceNr: row[EventColumn.seqNr] as number,
    serializerId: row[EventColumn.serializerId] as number,
    manifest: names.manifest(row[EventColumn.manifestId] as number),
    payload: asPayload(row[EventColumn.payload]),
    writerUuid: names.writerUuid(row[EventColumn.writerId] as number),
    timestamp: row[EventColumn.timestamp] as number,
    tags: tags === null ? NO_TAGS : (JSON.parse(tags as string) as string[]),
  };
  if (metaSerializerId === null) return repr;
  return {
    ...repr,
    metadata: {
      serializerId: metaSerializerId as number,
      manifest: row[EventColumn.metaManifest] as string,
      payload: asPayload(row[EventColumn.metaPayload]),
    },
  };
}

/** The driver returns BLOBs as Buffers; hand out a plain Uint8Array view of the same bytes. */
export function asPayload(value: unknown): string | Uint8Array {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`a stored payload is neither text nor bytes but ${typeof value}`);
}

/** Tags as stored on the event row: NULL when there are none (most events), JSON otherwise. */
export function encodeTags(tags: readonly string[]): string | null {
  return tags.length === 0 ? null : JSON.stringify(tags);
}
