import { describe, expect, it } from 'vitest';
import { InvalidArgument } from '../errors/index.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemoryReadJournal } from '../memory/MemoryReadJournal.js';
import { HandlerRecovery } from './HandlerRecovery.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection } from './Projection.js';
import { SourceProvider } from './SourceProvider.js';

const readJournal = new MemoryReadJournal(new MemoryJournal());
const source = SourceProvider.allEvents(readJournal);
const offsetStore = new MemoryOffsetStore();

describe('Projection settings', () => {
  it('names the projection, its key (default empty) and its kind', () => {
    const projection = Projection.exactlyOnce({ name: 'summary', source, offsetStore, handler: () => {} });
    expect(projection.id).toEqual({ name: 'summary', key: '' });
    expect(projection.kind).toBe('exactlyOnce');
    expect(Projection.grouped({ name: 'g', key: 'eu', source, offsetStore, handler: () => {} }).id).toEqual({ name: 'g', key: 'eu' });
    expect(Projection.atLeastOnce({ name: 'a', source, offsetStore, handler: () => {} }).kind).toBe('atLeastOnce');
    expect(Projection.atMostOnce({ name: 'm', source, offsetStore, handler: () => {} }).kind).toBe('atMostOnce');
  });

  it('refuses bad settings with InvalidArgument naming the setting', () => {
    expect(() => Projection.exactlyOnce({ name: '', source, offsetStore, handler: () => {} })).toThrow(/projection name must be a non-empty string/);
    expect(() => Projection.exactlyOnce({ name: 'x', source: {} as never, offsetStore, handler: () => {} })).toThrow(/projection x source must be a SourceProvider/);
    const plain = { readProjection: offsetStore.readProjection, saveOffset: offsetStore.saveOffset, savePaused: offsetStore.savePaused };
    expect(() => Projection.exactlyOnce({ name: 'x', source, offsetStore: plain as never, handler: () => {} })).toThrow(/TransactionalOffsetStore/);
    expect(() => Projection.atLeastOnce({ name: 'x', source, offsetStore, handler: 'no' as never })).toThrow(/atLeastOnce handler must be a function/);
    expect(() => Projection.atLeastOnce({ name: 'x', source, offsetStore, saveOffsetAfterEnvelopes: 0, handler: () => {} })).toThrow(InvalidArgument);
    expect(() => Projection.grouped({ name: 'x', source, offsetStore, groupSize: 1.5, handler: () => {} })).toThrow(/groupSize must be an integer >= 1/);
    expect(() =>
      Projection.exactlyOnce({ name: 'x', source, offsetStore, restartBackoff: { minMs: 500, maxMs: 100 }, handler: () => {} }),
    ).toThrow(/maxBackoffMs must be >= minBackoffMs/);
    expect(() => HandlerRecovery.retryAndFail(0, 100)).toThrow(/retries must be an integer >= 1/);
    expect(() => HandlerRecovery.retryAndSkip(2, -1)).toThrow(/delayMs must be a number >= 0/);
    expect(() => SourceProvider.eventsByTag(readJournal, '')).toThrow(/tag must be a non-empty string/);
  });
});
