import type { PersistentRepr } from '@engram/core/spi';
import { encodePayload } from './payload.js';
import { textArrayLiteral } from './text.js';

/**
 * The 13 parameters of the journal's one-event statement (`insertOne` in
 * journal/journalStatements.ts): the same columns, in the same order, as `EventColumns` builds
 * for a batch, each as a scalar (bytes as the driver's binary parameters). Tags go as one array
 * literal, null when there are none.
 */
export function eventRow(event: PersistentRepr, writer: string | null, typeId: number): unknown[] {
  const payload = encodePayload(event.payload);
  const meta = event.metadata;
  const metaPayload = meta === undefined ? undefined : encodePayload(meta.payload);
  return [
    event.persistenceId,
    event.sequenceNr,
    writer,
    event.timestamp,
    typeId,
    payload.text,
    payload.bytes,
    event.tags.length === 0 ? null : textArrayLiteral(event.tags),
    meta?.serializerId ?? null,
    meta?.manifest ?? null,
    metaPayload?.kind ?? null,
    metaPayload?.text ?? null,
    metaPayload?.bytes ?? null,
  ];
}
