import { describe, expect, it } from 'vitest';
import { JsonSerializer } from './JsonSerializer.js';
import { NotSerializable } from './errors.js';

const json = new JsonSerializer();

describe('JsonSerializer', () => {
  it('round-trips plain data exactly, including unicode', () => {
    const value = { type: 'Deposited', amount: 12.5, note: 'naïve 😀 \u0000', tags: ['a', null, true], nested: { deep: [1, { x: -0.25 }] } };
    const text = json.serialize(value);
    expect(typeof text).toBe('string');
    expect(json.deserialize(text)).toEqual(value);
    expect(json.deserialize(new TextEncoder().encode(text))).toEqual(value);
  });

  it.each([
    [{ at: new Date(0) }, '$.at is a Date (JSON would store a string); use plain data or an event adapter'],
    [{ m: new Map() }, '$.m is a Map (JSON would store a plain object); use plain data or an event adapter'],
    [{ s: [new Set([1])] }, '$.s[0] is a Set (JSON would store a plain object); use plain data or an event adapter'],
    [{ n: NaN }, '$.n is NaN (JSON stores null)'],
    [{ n: [1, Infinity] }, '$.n[1] is Infinity (JSON stores null)'],
    [{ b: 1n }, '$.b is a bigint, which JSON cannot store'],
    [{ f: () => 1 }, '$.f is a function, which JSON cannot store'],
    [{ a: [1, undefined] }, '$.a[1] is undefined (JSON stores null)'],
    [new (class Deposited {})(), '$ is a Deposited (JSON would store a plain object); use plain data or an event adapter'],
    [undefined, '$ is a undefined, which JSON cannot store'],
  ])('refuses %o: %s', (value, reason) => {
    expect(() => json.serialize(value)).toThrow(new NotSerializable('json', reason));
  });

  it('refuses cycles with a clear message', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => json.serialize(cyclic)).toThrow(/nested more than 1000 levels \(a cycle\?\)/);
  });

  it('treats undefined object fields as absent (optional fields)', () => {
    expect(json.serialize({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('non-strict mode stores what JSON.stringify stores', () => {
    expect(new JsonSerializer({ strict: false }).serialize({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});
