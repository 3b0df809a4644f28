import { describe, expect, it } from 'vitest';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { textArrayLiteral } from './text.js';

const db = await postgresForTests('text-codec');

describe.skipIf(!db.available)('textArrayLiteral', () => {
  async function parsed(values: readonly string[]): Promise<unknown> {
    const result = await db.admin().query<{ a: unknown }>('SELECT $1::text::text[] AS a', [textArrayLiteral(values)]);
    return result.rows[0]?.a;
  }

  it('reads back as the same strings: quotes, backslashes, braces, commas, NULL-like words and unicode', async () => {
    const values = ['a\\b"c', '{x,y}', 'NULL', 'null', ' padded ', 'ü€😀', '', '\\', '"', 'a,b', "it's", '{"json":[1,"2"]}'];
    expect(await parsed(values)).toEqual(values);
  });

  it('keeps control characters', async () => {
    const values = ['line\nbreak', 'tab\there', '\u0001'];
    expect(await parsed(values)).toEqual(values);
  });

  it('is an empty array for no strings', async () => {
    expect(await parsed([])).toEqual([]);
  });
});
