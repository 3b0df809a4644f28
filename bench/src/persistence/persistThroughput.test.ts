import { describe, expect, it } from 'vitest';
import { DEFAULT_IN_FLIGHT, inFlightOf, type WriteShape } from './persistThroughput.js';

const shape = (perActor: number, inFlight?: number): WriteShape => ({
  name: 'shape',
  actors: 1,
  perActor,
  mode: 'persist',
  rawBatch: 1,
  ...(inFlight === undefined ? {} : { inFlight }),
});

describe('inFlightOf', () => {
  it('keeps every command of an actor in flight when it has fewer than the limit', () => {
    expect(inFlightOf(shape(200))).toBe(200);
    expect(inFlightOf(shape(20, 200))).toBe(20);
  });

  it('caps commands in flight at the shape limit, or the default', () => {
    expect(inFlightOf(shape(5000))).toBe(DEFAULT_IN_FLIGHT);
    expect(inFlightOf(shape(5000, 200))).toBe(200);
  });

  it('refuses a limit that lets nothing through', () => {
    expect(() => inFlightOf(shape(10, 0))).toThrow(/shape: inFlight must be a positive integer, got 0/);
  });
});
