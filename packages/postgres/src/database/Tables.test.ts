import { describe, expect, it } from 'vitest';
import { tablesFor } from './Tables.js';

describe('tablesFor', () => {
  it('quotes and qualifies every name', () => {
    const tables = tablesFor('events', 'shop_');
    expect(tables.journal).toBe('"events"."shop_journal"');
    expect(tables.snapshots).toBe('"events"."shop_snapshot"');
    expect(tablesFor().journal).toBe('"public"."engram_journal"');
    expect(tablesFor('s', '').tags).toBe('"s"."event_tag"');
  });

  it.each([
    ['a"; DROP TABLE x; --', 'engram_'],
    ['Upper', 'engram_'],
    ['1digit', 'engram_'],
    ['', 'engram_'],
    ['s'.repeat(64), 'engram_'],
    ['public', 'bad-prefix'],
    ['public', '9starts_with_digit'],
    ['public', 'quote"'],
    ['public', 'p'.repeat(45)],
  ])('refuses schema %j with prefix %j', (schema, prefix) => {
    expect(() => tablesFor(schema, prefix)).toThrow(TypeError);
  });

  it('names the bad value in its error', () => {
    expect(() => tablesFor('bad schema')).toThrow(/schema "bad schema" is not a valid name/);
    expect(() => tablesFor('public', 'x'.repeat(50))).toThrow(/tablePrefix "x+" is too long: at most 44/);
  });
});
