import { InvalidPersistenceId, PayloadTooLarge, type AtomicWrite, type PersistentRepr } from '@engram/core/spi';
import { isWellFormedText, keyProblem, maxKeyBytes, payloadBytes, textProblem } from '../codec/index.js';
import { InvalidWrite } from '../errors/index.js';

const maxInt32 = 2 ** 31 - 1;

/**
 * The reason `write` cannot be stored, or undefined. Checked before anything is sent, so that a bad
 * write is rejected alone instead of failing the statement that carries the whole batch.
 */
export function validateWrite(write: AtomicWrite, maxPayloadBytes: number): Error | undefined {
  const pid = write.persistenceId;
  const idProblem = keyProblem('persistenceId', pid);
  if (idProblem !== undefined) return new InvalidPersistenceId(String(pid), idProblem);
  const first = write.events[0]?.sequenceNr;
  for (let i = 0; i < write.events.length; i++) {
    const event = write.events[i] as PersistentRepr;
    const problem = eventProblem(event, pid, first, i, maxPayloadBytes);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function eventProblem(
  event: PersistentRepr,
  pid: string,
  first: number | undefined,
  index: number,
  maxPayloadBytes: number,
): Error | undefined {
  const seq = event.sequenceNr;
  const invalid = (reason: string): InvalidWrite => new InvalidWrite(pid, seq, reason);
  if (event.persistenceId !== pid) {
    return new InvalidPersistenceId(
      pid,
      `event ${seq} of the AtomicWrite names persistenceId ${JSON.stringify(event.persistenceId)} instead`,
    );
  }
  if (!Number.isSafeInteger(seq) || seq < 1) return invalid('the sequence nr must be a positive safe integer');
  if (first !== undefined && seq !== first + index) {
    return invalid(`the events of an AtomicWrite must have consecutive sequence nrs from ${first}`);
  }
  if (!Number.isSafeInteger(event.timestamp)) return invalid('the timestamp must be an integer (ms since the epoch)');
  if (!Number.isInteger(event.serializerId) || Math.abs(event.serializerId) > maxInt32) {
    return invalid('the serializer id must be a 32-bit integer');
  }
  const textFields: readonly (readonly [string, unknown])[] = [
    ['manifest', event.manifest],
    ['writerUuid', event.writerUuid],
  ];
  for (const [field, value] of textFields) {
    if (typeof value !== 'string') return invalid(`${field} must be a string`);
    const problem = textProblem(value);
    if (problem !== undefined) return invalid(`${field} cannot be stored: ${problem}`);
  }
  // The manifest is part of the event types' unique key, so it has an index key's limit.
  const manifestBytes = Buffer.byteLength(event.manifest, 'utf8');
  if (manifestBytes > maxKeyBytes) {
    return invalid(`the manifest is ${manifestBytes} bytes in UTF-8; this store accepts at most ${maxKeyBytes}`);
  }
  if (!Array.isArray(event.tags)) return invalid('tags must be an array of strings');
  for (const tag of event.tags) {
    const problem = keyProblem('a tag', tag);
    if (problem !== undefined) return invalid(problem);
  }
  const payloadProblem = valueProblem('payload', event.payload, pid, seq, maxPayloadBytes);
  if (payloadProblem !== undefined) return payloadProblem;
  if (event.metadata !== undefined) {
    const meta = event.metadata;
    if (!Number.isInteger(meta.serializerId) || Math.abs(meta.serializerId) > maxInt32) {
      return invalid('the metadata serializer id must be a 32-bit integer');
    }
    const problem = typeof meta.manifest === 'string' ? textProblem(meta.manifest) : 'it is not a string';
    if (problem !== undefined) return invalid(`the metadata manifest cannot be stored: ${problem}`);
    return valueProblem('metadata payload', meta.payload, pid, seq, maxPayloadBytes);
  }
  return undefined;
}

function valueProblem(
  what: string,
  value: unknown,
  pid: string,
  seq: number,
  maxPayloadBytes: number,
): Error | undefined {
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
  return size > maxPayloadBytes ? new PayloadTooLarge(pid, seq, size, maxPayloadBytes) : undefined;
}

/**
 * False for ids no write could have stored (empty, U+0000, lone surrogates...): reads find nothing
 * for them instead of failing on text PostgreSQL cannot even receive.
 */
export function storable(persistenceId: string): boolean {
  return keyProblem('persistenceId', persistenceId) === undefined;
}
