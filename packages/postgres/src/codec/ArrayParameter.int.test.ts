import { describe, expect, it } from 'vitest';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { ArrayParameter, elementType, type ElementType } from './ArrayParameter.js';

const db = await postgresForTests('array-parameter');

describe.skipIf(!db.available)('ArrayParameter', () => {
  async function roundTrip(cast: string, parameter: Buffer | null): Promise<unknown> {
    const result = await db.admin().query<{ a: unknown }>(`SELECT $1::${cast} AS a`, [parameter]);
    return result.rows[0]?.a;
  }

  function built<T>(type: ElementType, values: readonly T[], add: (p: ArrayParameter, value: T) => void): ArrayParameter {
    // A first guess of one byte per element: every test also grows the buffer.
    const parameter = new ArrayParameter(type, 1, 1);
    for (const value of values) add(parameter, value);
    return parameter;
  }

  it('sends text exactly, control characters, quotes, unicode and nulls included', async () => {
    const values = ['a\\b"c', '{x,y}', 'NULL', null, '', 'line\nbreak\ttab\u0001', 'ü€😀', 'x'.repeat(5_000), "it's"];
    const parameter = built(elementType.text, values, (p, v) => p.text(v));
    expect(await roundTrip('text[]', parameter.value())).toEqual(values);
  });

  it('sends 64-bit integers over the whole safe range', async () => {
    const values = [0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 1_700_000_000_123, -1_700_000_000_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    const parameter = built(elementType.int8, values, (p, v) => p.int8(v));
    expect(await roundTrip('bigint[]', parameter.value())).toEqual(values.map(String));
  });

  it('sends integers, smallints and bytes with nulls between them', async () => {
    const ints = built(elementType.int4, [1, null, -(2 ** 31), 2 ** 31 - 1], (p, v) => p.int4(v));
    expect(await roundTrip('integer[]', ints.value())).toEqual([1, null, -(2 ** 31), 2 ** 31 - 1]);
    const smallints = built(elementType.int2, [2, null, -3], (p, v) => p.int2(v));
    expect(await roundTrip('smallint[]', smallints.value())).toEqual([2, null, -3]);
    const bytes = built(elementType.bytea, [new Uint8Array([0, 255, 1]), null, new Uint8Array(3_000).fill(7)], (p, v) => p.bytes(v));
    const stored = (await roundTrip('bytea[]', bytes.value())) as (Buffer | null)[];
    expect(stored.map((b) => (b === null ? null : [...b]))).toEqual([[0, 255, 1], null, new Array(3_000).fill(7)]);
  });

  it('sends an empty array, and no parameter at all for one of nulls only', async () => {
    expect(await roundTrip('text[]', new ArrayParameter(elementType.text, 0, 0).value())).toEqual([]);
    const nulls = built(elementType.text, [null, null], (p, v) => p.text(v));
    expect(nulls.valueOrNull()).toBeNull();
    expect(await roundTrip('text[]', nulls.value())).toEqual([null, null]);
  });

  it('is refused by the server when the statement expects another element type', async () => {
    const ints = built(elementType.int4, [1], (p, v) => p.int4(v));
    await expect(roundTrip('bigint[]', ints.value())).rejects.toThrow(/array element type 23 \(integer\) instead of expected 20 \(bigint\)/);
  });
});
