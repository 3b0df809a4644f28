import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId, type EventEnvelope } from '../query/EventEnvelope.js';
import { projectionFixture, range, TAG } from './fixture.test-support.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection, type AtLeastOnceSettings } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

const id = { name: 'audit', key: '' };

function setup(options: { split?: boolean } = {}) {
  const fixture = projectionFixture(options);
  shutdown = () => fixture.kit.shutdown();
  const offsets = new MemoryOffsetStore();
  const seen: string[] = [];
  const projection = (settings: Partial<AtLeastOnceSettings<unknown>> = {}) =>
    Projection.atLeastOnce<unknown>({
      name: 'audit',
      source: SourceProvider.eventsByTag(fixture.readJournal, TAG) as SourceProvider<unknown>,
      offsetStore: offsets,
      handler: (envelope) => void seen.push(envelopeId(envelope)),
      ...settings,
    });
  const stored = async () => (await offsets.readProjection(id)).offset;
  return { ...fixture, offsets, seen, projection, stored };
}

describe('Projection.atLeastOnce', () => {
  it('stores the offset after every saveOffsetAfterEnvelopes envelopes', async () => {
    const { kit, write, seen, projection, stored } = setup();
    runProjection(kit.system, projection({ saveOffsetAfterEnvelopes: 3, saveOffsetAfterMs: 1000 }));
    await write(7);
    await kit.settle();
    expect(seen).toEqual(range(1, 7));
    expect(await stored()).toBe('memory:6');
    await kit.advance(1000);
    expect(await stored()).toBe('memory:7');
  });

  it('stores the offset saveOffsetAfterMs after the first envelope not yet stored', async () => {
    const { kit, write, projection, stored } = setup();
    runProjection(kit.system, projection({ saveOffsetAfterEnvelopes: 100, saveOffsetAfterMs: 500 }));
    await write(2);
    await kit.settle();
    await kit.advance(499);
    expect(await stored()).toBeUndefined();
    await write(1);
    await kit.advance(1);
    expect(await stored()).toBe('memory:3');
  });

  it('after a handler crash only the envelopes after the last stored offset come again', async () => {
    const { kit, write, seen, offsets, readJournal } = setup();
    let crashes = 0;
    runProjection(
      kit.system,
      Projection.atLeastOnce({
        name: 'audit',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: offsets,
        saveOffsetAfterEnvelopes: 3,
        restartBackoff: { minMs: 200, maxMs: 1000 },
        handler: (envelope: EventEnvelope) => {
          if (envelope.sequenceNr === 8 && crashes++ === 0) throw new Error('broker unavailable');
          seen.push(envelopeId(envelope));
        },
      }),
    );
    await write(10);
    await kit.settle();
    expect(seen).toEqual(range(1, 7));
    expect((await offsets.readProjection(id)).offset).toBe('memory:6');
    await kit.advance(200);
    expect(seen).toEqual([...range(1, 7), ...range(7, 10)]);
  });

  it('stores what it handled when stopped, and when paused', async () => {
    const { kit, write, projection, stored } = setup();
    const running = runProjection(kit.system, projection({ saveOffsetAfterEnvelopes: 100, saveOffsetAfterMs: 60_000 }));
    await write(5);
    await kit.settle();
    expect(await stored()).toBeUndefined();
    await running.pause();
    expect(await stored()).toBe('memory:5');
    await running.resume();
    await write(2);
    await kit.settle();
    await running.stop();
    expect(await stored()).toBe('memory:7');
  });

  it('never stores an offset in the middle of envelopes that share it', async () => {
    const { kit, write, seen, offsets, readJournal } = setup({ split: true });
    let crashes = 0;
    runProjection(
      kit.system,
      Projection.atLeastOnce({
        name: 'audit',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: offsets,
        saveOffsetAfterEnvelopes: 1,
        restartBackoff: { minMs: 200, maxMs: 1000 },
        handler: (envelope) => {
          const part = envelope.event.part;
          if (part === 1 && crashes++ === 0) throw new Error('crash in the middle of a split event');
          seen.push(`${envelopeId(envelope)}${part === undefined ? '' : `#${part}`}`);
        },
      }),
    );
    await write(1);
    await write(1, 'p', { split: 2 });
    await kit.settle();
    expect(seen).toEqual(['p:1', 'p:2#0']);
    expect((await offsets.readProjection(id)).offset).toBe('memory:1');
    await kit.advance(200);
    // The first half comes again: the offset was not stored after it.
    expect(seen).toEqual(['p:1', 'p:2#0', 'p:2#0', 'p:2#1']);
    expect((await offsets.readProjection(id)).offset).toBe('memory:2');
  });
});
