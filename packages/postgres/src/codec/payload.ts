/**
 * How a payload (`string | Uint8Array`) sits in a `(kind, text, bytes)` column triple:
 * 0 = text in the text column; 1 = bytes in the bytea column; 2 = text as UTF-8 in the bytea
 * column, for the rare string containing U+0000 (PostgreSQL text cannot hold it). Text payloads
 * come back as strings, binary ones as bytes, both exactly as written.
 */
export type PayloadKind = 0 | 1 | 2;

export interface EncodedPayload {
  readonly kind: PayloadKind;
  readonly text: string | null;
  readonly bytes: Uint8Array | null;
}

export function encodePayload(payload: string | Uint8Array): EncodedPayload {
  if (typeof payload !== 'string') return { kind: 1, text: null, bytes: payload };
  if (payload.includes('\u0000')) return { kind: 2, text: null, bytes: Buffer.from(payload, 'utf8') };
  return { kind: 0, text: payload, bytes: null };
}

/** The kind `encodePayload` would give `payload`, without encoding it. */
export function payloadKind(payload: string | Uint8Array): PayloadKind {
  if (typeof payload !== 'string') return 1;
  return payload.includes('\u0000') ? 2 : 0;
}

export function decodePayload(kind: number, text: string | null, bytes: Uint8Array | null): string | Uint8Array {
  if (kind === 0 && text !== null) return text;
  if (bytes !== null) {
    if (kind === 2) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    // A plain Uint8Array view, not the driver's Buffer: callers get the type they stored.
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  throw new Error(`stored payload of kind ${kind} has no ${kind === 0 ? 'text' : 'bytes'} value`);
}

/** Size in bytes as stored: UTF-8 for text. */
export function payloadBytes(payload: string | Uint8Array, limit: number): number {
  if (typeof payload !== 'string') return payload.byteLength;
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes: short strings skip the count.
  return payload.length * 3 <= limit ? payload.length : Buffer.byteLength(payload, 'utf8');
}
