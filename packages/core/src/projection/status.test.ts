import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId } from '../query/EventEnvelope.js';
import { projectionFixture, ReadModelStore, settledStatus, TAG } from './fixture.test-support.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

function setup() {
  const fixture = projectionFixture();
  shutdown = () => fixture.kit.shutdown();
  return { ...fixture, store: new ReadModelStore() };
}

describe('projection status', () => {
  it('reports the events waiting after its offset and the age of the oldest', async () => {
    const { kit, write, store, readJournal } = setup();
    const running = runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        key: 'eu',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        handler: (envelope, tx) => tx.apply(envelopeId(envelope)),
      }),
    );
    await write(2);
    await kit.settle();
    await running.pause();
    await write(3);
    await kit.advance(5000);
    await write(1);
    expect(await settledStatus(kit, running)).toEqual({
      name: 'summary',
      key: 'eu',
      state: 'paused',
      offset: 'memory:2',
      lagEvents: 4,
      lagCapped: false,
      lagMs: 5000,
      stalled: false,
    });
    await running.resume();
    await kit.settle();
    expect(await settledStatus(kit, running)).toMatchObject({ state: 'running', offset: 'memory:6', lagEvents: 0, lagMs: 0 });
  });

  it('counts the lag up to lagCountLimit and says when it stopped counting', async () => {
    const { kit, write, store, readJournal } = setup();
    await store.savePaused({ name: 'summary', key: '' }, true);
    const running = runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.allEvents(readJournal),
        offsetStore: store,
        lagCountLimit: 5,
        handler: () => {},
      }),
    );
    await write(5);
    expect(await settledStatus(kit, running)).toMatchObject({ offset: undefined, lagEvents: 5, lagCapped: false });
    await write(3);
    expect(await settledStatus(kit, running)).toMatchObject({ lagEvents: 5, lagCapped: true });
  });

  it('is stalled when events wait and nothing was handled for stalledAfterMs', async () => {
    const { kit, write, store, readJournal } = setup();
    const running = runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        stalledAfterMs: 10_000,
        restartBackoff: { minMs: 1000, maxMs: 1000, randomFactor: 0 },
        handler: (envelope) => {
          if (envelope.sequenceNr === 2) throw new Error('poison event');
        },
      }),
    );
    await write(3);
    await kit.settle();
    expect(await settledStatus(kit, running)).toMatchObject({ state: 'failed', offset: 'memory:1', lagEvents: 2, stalled: false });
    await kit.advance(9999);
    expect((await settledStatus(kit, running)).stalled).toBe(false);
    await kit.advance(1);
    const stalled = await settledStatus(kit, running);
    expect(stalled).toMatchObject({ stalled: true, lastError: { envelopeId: 'p:2' } });
    expect(stalled.lastError?.message).toContain('poison event');
  });

  it('a caught-up projection is not stalled however long nothing comes', async () => {
    const { kit, write, store, readJournal } = setup();
    const running = runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        stalledAfterMs: 1000,
        handler: () => {},
      }),
    );
    await write(1);
    await kit.advance(60_000);
    expect(await settledStatus(kit, running)).toMatchObject({ state: 'running', lagEvents: 0, stalled: false });
  });

  it('leaves the lag unknown for a source that cannot count', async () => {
    const { kit, write, readJournal } = setup();
    const tagged = SourceProvider.eventsByTag(readJournal, TAG);
    const running = runProjection(
      kit.system,
      Projection.atLeastOnce({
        name: 'custom',
        source: { events: tagged.events, parseOffset: tagged.parseOffset },
        offsetStore: new MemoryOffsetStore(),
        handler: () => {},
      }),
    );
    await write(2);
    expect(await settledStatus(kit, running)).toMatchObject({ state: 'running', offset: 'memory:2', lagEvents: undefined, lagMs: undefined });
  });
});
