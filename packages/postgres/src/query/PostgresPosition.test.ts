import { describe, expect, it } from 'vitest';
import { comparePositions, formatPosition, parsePosition, startPosition } from './PostgresPosition.js';

describe('PostgreSQL positions', () => {
  it('print as "<transaction id>.<ordering>" and read back', () => {
    const position = { txId: 7741n, ordering: 1042n };
    expect(formatPosition(position)).toBe('7741.1042');
    expect(parsePosition('7741.1042')).toEqual(position);
    expect(parsePosition(formatPosition(startPosition))).toEqual(startPosition);
    const largest = { txId: 2n ** 63n - 1n, ordering: 2n ** 63n - 1n };
    expect(parsePosition(formatPosition(largest))).toEqual(largest);
  });

  it.each(['', '7741', '7741.', '.1042', '07741.1042', '7741.01', '-1.2', '1.-2', '1.2.3', '1,2', ' 1.2', '1.2 ', '1e3.2', '0x10.2', '１.２'])(
    'refuse %j, saying what a position looks like',
    (text) => {
      expect(() => parsePosition(text)).toThrow(/expected "<transaction id>\.<ordering>"/);
    },
  );

  it('refuse parts beyond PostgreSQL bigints', () => {
    expect(() => parsePosition(`${2n ** 63n}.1`)).toThrow(/out of range/);
    expect(() => parsePosition(`1.${2n ** 63n}`)).toThrow(/out of range/);
    expect(() => parsePosition('1'.repeat(20) + '.1')).toThrow(/expected/);
  });

  it('are ordered by transaction id, then ordering', () => {
    const sorted = [
      { txId: 1n, ordering: 9n },
      { txId: 2n, ordering: 1n },
      { txId: 2n, ordering: 3n },
      { txId: 10n, ordering: 0n },
    ];
    const shuffled = [sorted[2]!, sorted[0]!, sorted[3]!, sorted[1]!];
    expect([...shuffled].sort(comparePositions)).toEqual(sorted);
    expect(comparePositions(sorted[1]!, { txId: 2n, ordering: 1n })).toBe(0);
  });
});
