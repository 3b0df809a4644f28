import { describe, expect, it } from 'vitest';
import { findDifference } from './findDifference.js';

describe('findDifference', () => {
  it('is undefined for what JSON gives back unchanged, undefined fields and -0 included', () => {
    const sent = { a: 1, b: undefined, c: [1, { d: 'x' }], z: -0 };
    expect(findDifference(sent, JSON.parse(JSON.stringify(sent)))).toBeUndefined();
    expect(findDifference(new Map([[1, 2]]), new Map([[1, 2]]))).toBeUndefined();
  });

  it.each([
    [{ name: 'ada' }, { name: 'ADA' }, '.name', "was 'ada', came back as 'ADA'"],
    [{ name: 'ada' }, {}, '.name', "was 'ada', came back absent"],
    [{}, { extra: 1 }, '.extra', 'was absent, came back as 1'],
    [{ items: [1, 2] }, { items: [1] }, '.items', 'had 2 items, came back with 1'],
    [{ items: [{ at: 1 }] }, { items: [{ at: '1' }] }, '.items[0].at', "was 1, came back as '1'"],
    [{ at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' }, '.at', "was 1970-01-01T00:00:00.000Z, came back as '1970-01-01T00:00:00.000Z'"],
    [{ m: new Map([[1, 2]]) }, { m: {} }, '.m', 'was a Map, came back as a plain object {}'],
    [new Map([[1, 2]]), new Map([[1, 3]]), '', 'was Map(1) { 1 => 2 }, came back as Map(1) { 1 => 3 }'],
  ])('%o -> %o differs at %s', (sent, back, path, how) => {
    expect(findDifference(sent, back)).toEqual({ path, how });
  });
});
