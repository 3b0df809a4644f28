/**
 * The number of bytes `text` takes as UTF-8, without encoding it. A lone surrogate counts 3 bytes,
 * as the encoders write it as U+FFFD.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes += 1;
    } else if (code < 0x800) {
      bytes += 2;
    } else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/**
 * The serialized size of a payload, computed only as far as needed to compare it with `maxBytes`:
 * a string of n UTF-16 units takes at most 3n bytes, so short strings are never scanned.
 * Returns the exact size when it exceeds `maxBytes`, otherwise a number not above `maxBytes`.
 */
export function payloadSizeAtMost(payload: string | Uint8Array, maxBytes: number): number {
  if (typeof payload !== 'string') return payload.byteLength;
  if (payload.length * 3 <= maxBytes) return payload.length;
  return utf8ByteLength(payload);
}
