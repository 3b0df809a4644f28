import { describe, expect, it } from 'vitest';
import { replayBounds } from './replayBounds.js';

const MAX = Number.MAX_SAFE_INTEGER;

describe('replayBounds', () => {
  it('keeps whole bounds as they are', () => {
    expect(replayBounds(2, 4, 3)).toEqual({ from: 2, to: 4, max: 3 });
    expect(replayBounds(3, 3, 1)).toEqual({ from: 3, to: 3, max: 1 });
  });

  it('clamps Infinity to the largest exact integer, and from to at least 1', () => {
    expect(replayBounds(1, Infinity, Infinity)).toEqual({ from: 1, to: MAX, max: MAX });
    expect(replayBounds(0, 5, 10)).toEqual({ from: 1, to: 5, max: 10 });
    expect(replayBounds(-Infinity, 5, 10)).toEqual({ from: 1, to: 5, max: 10 });
  });

  it('rounds a fractional range inwards and a fractional max down', () => {
    // from <= seq <= to over whole seqs: 2.5..4.5 holds 3 and 4; max 2.5 lets 2 events through.
    expect(replayBounds(2.5, 4.5, 2.5)).toEqual({ from: 3, to: 4, max: 2 });
  });

  it('is undefined for a range that replays nothing', () => {
    expect(replayBounds(2, 4, 0)).toBeUndefined();
    expect(replayBounds(2, 4, 0.5)).toBeUndefined();
    expect(replayBounds(2, 4, -1)).toBeUndefined();
    expect(replayBounds(3, 2, Infinity)).toBeUndefined();
    expect(replayBounds(1, 0, Infinity)).toBeUndefined();
    expect(replayBounds(Infinity, Infinity, Infinity)).toBeUndefined();
    expect(replayBounds(2.5, 2.9, Infinity)).toBeUndefined();
  });

  it('is undefined when a bound is NaN', () => {
    expect(replayBounds(NaN, 4, 10)).toBeUndefined();
    expect(replayBounds(1, NaN, 10)).toBeUndefined();
    expect(replayBounds(1, 4, NaN)).toBeUndefined();
  });
});
