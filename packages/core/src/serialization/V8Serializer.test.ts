import { describe, expect, it } from 'vitest';
import { V8Serializer } from './V8Serializer.js';

describe('V8Serializer', () => {
  it('round-trips Map, Set, Date, bigint and typed arrays as bytes', () => {
    const v8 = new V8Serializer();
    const value = { m: new Map([['a', 1]]), s: new Set([1, 2]), d: new Date(5), b: 10n ** 20n, bytes: new Uint8Array([0, 255]) };
    const bytes = v8.serialize(value);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(v8.deserialize(bytes)).toEqual(value);
  });

  it('refuses functions and text payloads with NotSerializable', () => {
    const v8 = new V8Serializer();
    expect(() => v8.serialize({ f: () => 1 })).toThrow(/v8 serializer cannot store this value faithfully/);
    expect(() => v8.deserialize('text')).toThrow(/expected bytes, got text/);
  });
});
