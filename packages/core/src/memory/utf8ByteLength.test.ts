import { describe, expect, it } from 'vitest';
import { payloadSizeAtMost, utf8ByteLength } from './utf8ByteLength.js';

describe('utf8ByteLength', () => {
  it('agrees with a real UTF-8 encoder', () => {
    const samples = ['', 'ascii', 'é', '€', '😀', 'a😀b€cé', '\u0000', 'e\u0301', '\uD800', '\uDC00x', '\uD800\uD800', '中文字'];
    for (const text of samples) expect(utf8ByteLength(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('measures strings that could exceed the limit exactly', () => {
    expect(payloadSizeAtMost('€€€', 8)).toBe(9);
    expect(payloadSizeAtMost('€€', 8)).toBeLessThanOrEqual(8);
    expect(payloadSizeAtMost(new Uint8Array(9), 8)).toBe(9);
  });
});
