import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId, type EventEnvelope } from '../query/EventEnvelope.js';
import { ids, projectionFixture, range, ReadModelStore, TAG, type TestEvent } from './fixture.test-support.js';
import { Projection, type GroupedSettings } from './Projection.js';
import type { ReadModelTx } from './fixture.test-support.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

type Event = TestEvent & { readonly part?: number };

function setup(options: { split?: boolean } = {}) {
  const fixture = projectionFixture(options);
  shutdown = () => fixture.kit.shutdown();
  const store = new ReadModelStore();
  const groups: string[][] = [];
  const projection = (settings: Partial<GroupedSettings<Event, ReadModelTx>> = {}) =>
    Projection.grouped<Event, ReadModelTx>({
      name: 'totals',
      source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
      offsetStore: store,
      groupSize: 3,
      groupWithinMs: 100,
      handler: (envelopes, tx) => {
        groups.push(ids(envelopes));
        for (const envelope of envelopes) tx.apply(envelopeId(envelope));
      },
      ...settings,
    });
  return { ...fixture, store, groups, projection };
}

describe('Projection.grouped', () => {
  it('handles groupSize envelopes per transaction, and a partial group groupWithinMs after its first envelope', async () => {
    const { kit, write, store, groups, projection } = setup();
    runProjection(kit.system, projection());
    await write(7);
    await kit.settle();
    expect(groups).toEqual([range(1, 3), range(4, 6)]);
    await kit.advance(99);
    expect(groups).toHaveLength(2);
    await kit.advance(1);
    expect(groups).toEqual([range(1, 3), range(4, 6), range(7, 7)]);
    expect(store.transactions).toBe(3);
    expect(store.lines).toEqual(range(1, 7));
    expect(await store.readProjection({ name: 'totals', key: '' })).toEqual({ offset: 'memory:7', paused: false });
  });

  it('collects envelopes arriving one by one within groupWithinMs into one group', async () => {
    const { kit, write, groups, projection } = setup();
    runProjection(kit.system, projection({ groupSize: 10 }));
    await write(1);
    await kit.advance(40);
    await write(1);
    await kit.advance(40);
    await write(1);
    expect(groups).toEqual([]);
    await kit.advance(20);
    expect(groups).toEqual([range(1, 3)]);
    await write(1);
    await kit.advance(100);
    expect(groups).toEqual([range(1, 3), range(4, 4)]);
  });

  it('never splits the envelopes of one offset across groups', async () => {
    const { kit, write, groups, projection } = setup({ split: true });
    runProjection(kit.system, projection({ groupSize: 2 }));
    await write(1);
    await write(1, 'p', { split: 3 });
    await write(2);
    await kit.settle();
    expect(groups).toEqual([['p:1', 'p:2', 'p:2', 'p:2'], ['p:3', 'p:4']]);
  });

  it('a crash rolls back the whole group; after the restart it is handled once', async () => {
    const { kit, write, store, projection } = setup();
    let crashes = 0;
    runProjection(
      kit.system,
      projection({
        restartBackoff: { minMs: 200, maxMs: 1000 },
        handler: (envelopes: readonly EventEnvelope<Event>[], tx: ReadModelTx) => {
          for (const envelope of envelopes) tx.apply(envelopeId(envelope));
          if (envelopes.some((envelope) => envelope.sequenceNr === 5) && crashes++ === 0) throw new Error('disk full');
        },
      }),
    );
    await write(6);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 3));
    await kit.advance(200);
    expect(store.lines).toEqual(range(1, 6));
    expect(store.transactions).toBe(2);
  });
});
