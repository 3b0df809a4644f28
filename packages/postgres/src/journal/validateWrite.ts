import { InvalidPersistenceId, PayloadTooLarge, type AtomicWrite, type PersistentRepr } from '@engram/core/spi';
import { isWellFormedText, keyProblem, maxKeyBytes, payloadBytes, textProblem } from '../codec/index.js';
import { InvalidWrite } from '../errors/index.js';

const maxInt32 = 2 ** 31 - 1;

/**
 * The reason `write` cannot be stored, or undefined. Checked before anything is sent, so that a bad
 * write is rejected alone instead of failing the statement that carries the whole batch.
 */
export function validateWrite(write: AtomicWrite, maxPayloadBytes: number): Error | undefined {
  const checked = checkWrite(write, maxPayloadBytes);
  return typeof checked === 'number' ? undefined : checked;
}

/**
 * What `validateWrite` checks, in the same pass returning, when the write can be stored, about
 * how many bytes it adds to a statement's parameters (for splitting large calls).
 */
export function checkWrite(write: AtomicWrite, maxPayloadBytes: number): Error | number {
  const pid = write.persistenceId;
  const idProblem = keyProblem('persistenceId', pid);
  if (idProblem !== undefined) return new InvalidPersistenceId(String(pid), idProblem);
  const first = write.events[0]?.sequenceNr;
  let bytes = 0;
  for (let i = 0; i < write.events.length; i++) {
    const event = write.events[i] as PersistentRepr;
    const checked = checkEvent(event, pid, first, i, maxPayloadBytes);
    if (typeof checked !== 'number') return checked;
    bytes += checked;
  }
  return bytes;
}

/** Bytes of a row's fixed-size columns and array element headers, roughly. */
const rowOverhead = 64;

function checkEvent(event: PersistentRepr, pid: string, first: number | undefined, index: number, maxPayloadBytes: number): Error | number {
  const seq = event.sequenceNr;
  if (event.persistenceId !== pid) {
    return new InvalidPersistenceId(
      pid,
      `event ${seq} of the AtomicWrite names persistenceId ${JSON.stringify(event.persistenceId)} instead`,
    );
  }
  if (!Number.isSafeInteger(seq) || seq < 1) return new InvalidWrite(pid, seq, 'the sequence nr must be a positive safe integer');
  if (first !== undefined && seq !== first + index) {
    return new InvalidWrite(pid, seq, `the events of an AtomicWrite must have consecutive sequence nrs from ${first}`);
  }
  const problem = columnsProblem(event);
  if (problem !== undefined) return new InvalidWrite(pid, seq, problem);
  const payload = valueBytes('payload', event.payload, pid, seq, maxPayloadBytes);
  if (typeof payload !== 'number') return payload;
  const meta = event.metadata;
  if (meta === undefined) return rowOverhead + pid.length + event.writerUuid.length + payload;
  if (!Number.isInteger(meta.serializerId) || Math.abs(meta.serializerId) > maxInt32) {
    return new InvalidWrite(pid, seq, 'the metadata serializer id must be a 32-bit integer');
  }
  const manifestProblem = typeof meta.manifest === 'string' ? textProblem(meta.manifest) : 'it is not a string';
  if (manifestProblem !== undefined) return new InvalidWrite(pid, seq, `the metadata manifest cannot be stored: ${manifestProblem}`);
  const metaPayload = valueBytes('metadata payload', meta.payload, pid, seq, maxPayloadBytes);
  if (typeof metaPayload !== 'number') return metaPayload;
  return rowOverhead + pid.length + event.writerUuid.length + payload + meta.manifest.length + metaPayload;
}

/** What is wrong with the event's other columns, or undefined. */
function columnsProblem(event: PersistentRepr): string | undefined {
  if (!Number.isSafeInteger(event.timestamp)) return 'the timestamp must be an integer (ms since the epoch)';
  if (!Number.isInteger(event.serializerId) || Math.abs(event.serializerId) > maxInt32) {
    return 'the serializer id must be a 32-bit integer';
  }
  const { manifest, writerUuid } = event;
  if (typeof manifest !== 'string') return 'manifest must be a string';
  const manifestProblem = textProblem(manifest);
  if (manifestProblem !== undefined) return `manifest cannot be stored: ${manifestProblem}`;
  if (typeof writerUuid !== 'string') return 'writerUuid must be a string';
  const writerProblem = textProblem(writerUuid);
  if (writerProblem !== undefined) return `writerUuid cannot be stored: ${writerProblem}`;
  // The manifest is part of the event types' unique key, so it has an index key's limit.
  // (A UTF-16 code unit takes at most 3 UTF-8 bytes: short manifests skip the count.)
  if (manifest.length * 3 > maxKeyBytes) {
    const manifestBytes = Buffer.byteLength(manifest, 'utf8');
    if (manifestBytes > maxKeyBytes) return `the manifest is ${manifestBytes} bytes in UTF-8; this store accepts at most ${maxKeyBytes}`;
  }
  if (!Array.isArray(event.tags)) return 'tags must be an array of strings';
  for (const tag of event.tags) {
    const problem = keyProblem('a tag', tag);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The bytes `value` takes as stored, or why it cannot be. */
function valueBytes(what: string, value: unknown, pid: string, seq: number, maxPayloadBytes: number): Error | number {
  if (typeof value === 'string') {
    // U+0000 is fine here (such text is kept as UTF-8 bytes); a lone surrogate is not.
    if (!isWellFormedText(value)) {
      return new InvalidWrite(
        pid,
        seq,
        `the ${what} cannot be stored: it contains a lone UTF-16 surrogate, which has no UTF-8 form`,
      );
    }
  } else if (!(value instanceof Uint8Array)) {
    return new InvalidWrite(pid, seq, `the ${what} must be a string or a Uint8Array`);
  }
  const size = payloadBytes(value, maxPayloadBytes);
  return size > maxPayloadBytes ? new PayloadTooLarge(pid, seq, size, maxPayloadBytes) : size;
}

/**
 * False for ids no write could have stored (empty, U+0000, lone surrogates...): reads find nothing
 * for them instead of failing on text PostgreSQL cannot even receive.
 */
export function storable(persistenceId: string): boolean {
  return keyProblem('persistenceId', persistenceId) === undefined;
}
