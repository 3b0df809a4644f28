import { describe, expect, it } from 'vitest';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { textArrayParameter } from './text.js';

const db = await postgresForTests('text-codec');

describe.skipIf(!db.available)('textArrayParameter', () => {
  async function roundTrip(values: readonly (string | null)[]): Promise<unknown> {
    const result = await db.admin().query<{ a: unknown }>('SELECT $1::text[] AS a', [textArrayParameter(values)]);
    return result.rows[0]?.a;
  }

  it('sends quotes, backslashes, braces, commas, NULL-like words and unicode exactly, as one literal', async () => {
    const values = [null, 'a\\b"c', '{x,y}', 'NULL', 'null', ' padded ', 'ü€😀', '', '\\', '"', 'a,b', "it's", '{"json":[1,"2"]}'];
    expect(typeof textArrayParameter(values)).toBe('string');
    expect(await roundTrip(values)).toEqual(values);
  });

  it('leaves arrays with control characters to the driver, and they arrive exactly too', async () => {
    const values = ['line\nbreak', 'tab\there', '\u0001', 'plain', null];
    expect(textArrayParameter(values)).toBe(values);
    expect(await roundTrip(values)).toEqual(values);
  });

  it('sends an empty array', async () => {
    expect(await roundTrip([])).toEqual([]);
  });
});
