import { type AtomicWrite, InvalidPersistenceId, InvalidWrite, PayloadTooLarge } from '@engram/core/spi';

/**
 * Why `write` cannot be stored as given, or `undefined` when it can. Checked before the
 * transaction, so a bad write is rejected alone while the rest of the call lands. Runs for every
 * event of every group commit: kept to plain comparisons.
 */
export function validateWrite(write: AtomicWrite, maxPayloadBytes: number): Error | undefined {
  const pid = write.persistenceId;
  if (typeof pid !== 'string' || pid === '') {
    return new InvalidPersistenceId(String(pid), 'it must not be empty; nothing of this write was stored');
  }
  const events = write.events;
  let expected = 0;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const seq = event.sequenceNr;
    if (event.persistenceId !== pid) {
      return new InvalidPersistenceId(
        event.persistenceId,
        `event ${seq} names it but belongs to an AtomicWrite for ${JSON.stringify(pid)}; nothing of this write was stored`,
      );
    }
    if (i === 0) {
      if (!Number.isSafeInteger(seq) || seq < 1) {
        return new InvalidWrite(pid, undefined, `sequence nr ${String(seq)} is not a positive integer`);
      }
    } else if (seq !== expected) {
      return new InvalidWrite(pid, seq, `sequence nrs must be consecutive, expected ${expected}`);
    }
    expected = seq + 1;
    if (!Number.isFinite(event.timestamp)) {
      return new InvalidWrite(pid, seq, `timestamp ${String(event.timestamp)} is not a number`);
    }
    const payload = event.payload;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most texts fit without counting their bytes.
    if (typeof payload !== 'string' || payload.length * 3 > maxPayloadBytes) {
      const problem = checkPayload(payload, pid, seq, maxPayloadBytes);
      if (problem !== undefined) return problem;
    }
    if (event.metadata !== undefined) {
      const problem = checkPayload(event.metadata.payload, pid, seq, maxPayloadBytes);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function checkPayload(payload: unknown, pid: string, seq: number, max: number): Error | undefined {
  let size: number;
  if (typeof payload === 'string') {
    if (payload.length * 3 <= max) return undefined;
    size = Buffer.byteLength(payload, 'utf8');
  } else if (payload instanceof Uint8Array) {
    size = payload.byteLength;
  } else {
    return new InvalidWrite(pid, seq, 'the payload is neither a string nor a Uint8Array');
  }
  return size > max ? new PayloadTooLarge(pid, seq, size, max) : undefined;
}
