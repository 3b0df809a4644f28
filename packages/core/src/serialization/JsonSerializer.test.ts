import { describe, expect, it } from 'vitest';
import { JsonSerializer } from './JsonSerializer.js';
import { NotSerializable } from './errors.js';

const json = new JsonSerializer();

function refusal(value: unknown): NotSerializable {
  try {
    json.serialize(value);
  } catch (error) {
    if (error instanceof NotSerializable) return error;
    throw error;
  }
  throw new Error('the value was accepted');
}

describe('JsonSerializer', () => {
  it('round-trips plain data exactly, including unicode', () => {
    const value = { type: 'Deposited', amount: 12.5, note: 'naïve 😀 \u0000', tags: ['a', null, true], nested: { deep: [1, { x: -0.25 }] } };
    const text = json.serialize(value);
    expect(typeof text).toBe('string');
    expect(json.deserialize(text)).toEqual(value);
    expect(json.deserialize(new TextEncoder().encode(text))).toEqual(value);
  });

  class Deposited {}
  class Money {
    toJSON() {
      return '1.00';
    }
  }

  it.each([
    [{ at: new Date(0) }, '.at', 'is a Date; JSON turns it into a string'],
    [{ items: [{}, {}, { at: new Date(0) }] }, '.items[2].at', 'is a Date; JSON turns it into a string'],
    [{ m: new Map() }, '.m', 'is a Map; JSON turns it into {}'],
    [{ s: [new Set([1])] }, '.s[0]', 'is a Set; JSON turns it into {}'],
    [{ n: NaN }, '.n', 'is NaN; JSON turns it into null'],
    [{ n: [1, Infinity] }, '.n[1]', 'is Infinity; JSON turns it into null'],
    [{ n: -Infinity }, '.n', 'is -Infinity; JSON turns it into null'],
    [{ b: 1n }, '.b', 'is a bigint (1n); JSON cannot store it'],
    [{ f: () => 1 }, '.f', 'is a function; JSON drops it'],
    [{ f: [() => 1] }, '.f[0]', 'is a function; JSON turns it into null'],
    [{ s: Symbol('s') }, '.s', 'is a symbol; JSON drops it'],
    [{ a: [1, undefined] }, '.a[1]', 'is undefined; JSON turns it into null'],
    [{ a: [1, , 3] }, '.a[1]', 'is undefined; JSON turns it into null'],
    [new Deposited(), '', 'is a Deposited; JSON turns it into a plain object'],
    [{ e: new Error('x') }, '.e', 'is an Error; JSON turns it into a plain object'],
    [{ price: new Money() }, '.price', 'is a Money; JSON stores what its toJSON() returns and reads it back as plain data'],
    [{ bytes: new Uint8Array([1]) }, '.bytes', 'is a Uint8Array; JSON turns it into a plain object'],
    [{ 'odd key': { 'x-y': new Date(0) } }, '["odd key"]["x-y"]', 'is a Date; JSON turns it into a string'],
    [undefined, '', 'is undefined; JSON cannot store it'],
  ])('refuses %o, naming %s', (value, path, problem) => {
    const error = refusal(value);
    expect(error).toMatchObject({ name: 'NotSerializable', serializer: 'json', path, problem });
    expect(error.message).toBe(`json serializer cannot store this value faithfully: $${path} ${problem}`);
    expect(error.reasonAt('event')).toBe(`event${path} ${problem}`);
  });

  it('refuses a cycle, naming where it closes and what it refers back to', () => {
    const order: Record<string, unknown> = { lines: [] };
    const line = { order };
    (order['lines'] as unknown[]).push({ ok: 1 }, line);
    const error = refusal({ order });
    expect(error.path).toBe('.order.lines[1].order');
    expect(error.reasonAt('event')).toBe('event.order.lines[1].order refers back to event.order; JSON cannot store a cycle');
    const self: Record<string, unknown> = {};
    self['self'] = self;
    expect(refusal(self).reason).toBe('$.self refers back to $; JSON cannot store a cycle');
  });

  it('refuses nesting deeper than 1000 levels, which is no cycle', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1002; i++) deep = [deep];
    expect(refusal(deep).reason).toMatch(/^\$(\[0\]){1001} is nested more than 1000 levels deep$/);
  });

  it('names the first loss in document order', () => {
    expect(refusal({ a: { ok: 1, b: [new Date(0)] }, c: NaN }).path).toBe('.a.b[0]');
  });

  it('drops undefined object fields as JSON does: absent and undefined read the same for an optional field', () => {
    expect(json.serialize({ a: 1, b: undefined, nested: { c: undefined } })).toBe('{"a":1,"nested":{}}');
  });

  it('accepts -0 (read back as 0), null-prototype objects and actor refs (stored as their path)', () => {
    const bare = Object.assign(Object.create(null) as object, { x: 1 });
    expect(json.serialize({ z: -0, bare })).toBe('{"z":0,"bare":{"x":1}}');
    class Ref {
      readonly path = 'engram://sys/user/a';
      tell(): void {}
      toJSON(): string {
        return this.path;
      }
    }
    const ref = new Ref();
    expect(json.serialize({ replyTo: ref })).toBe('{"replyTo":"engram://sys/user/a"}');
  });

  it('non-strict mode stores what JSON.stringify stores', () => {
    expect(new JsonSerializer({ strict: false }).serialize({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});
