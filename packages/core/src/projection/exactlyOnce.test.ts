import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId } from '../query/EventEnvelope.js';
import { projectionFixture, range, ReadModelStore, settledStatus, TAG } from './fixture.test-support.js';
import { Projection } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

function setup(options: { split?: boolean; pageSize?: number } = {}) {
  const fixture = projectionFixture(options);
  shutdown = () => fixture.kit.shutdown();
  const store = new ReadModelStore();
  return { ...fixture, store };
}

describe('Projection.exactlyOnce', () => {
  it('handles every envelope once, in order, committing each with its offset in one transaction', async () => {
    const { kit, readJournal, write, store } = setup();
    await write(5);
    const running = runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        handler: (envelope, tx) => tx.apply(envelopeId(envelope)),
      }),
    );
    await kit.settle();
    expect(store.lines).toEqual(range(1, 5));
    expect(store.transactions).toBe(5);
    expect(await store.readProjection({ name: 'summary', key: '' })).toEqual({ offset: 'memory:5', paused: false });

    await write(2);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 7));
    const status = await settledStatus(kit, running);
    expect(status).toMatchObject({ name: 'summary', key: '', state: 'running', offset: 'memory:7', lagEvents: 0, lagMs: 0, stalled: false });
  });

  it('after a handler crash mid-stream it restarts from the stored offset: nothing lost, nothing applied twice', async () => {
    const { kit, readJournal, write, store } = setup();
    await write(5);
    let crashes = 0;
    const running = runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        restartBackoff: { minMs: 200, maxMs: 1000 },
        handler: (envelope, tx) => {
          tx.apply(envelopeId(envelope));
          // The line staged above must not land: the transaction rolls back.
          if (envelope.sequenceNr === 3 && crashes++ === 0) throw new Error('read model unavailable');
        },
      }),
    );
    await kit.settle();
    expect(store.lines).toEqual(range(1, 2));
    const failed = await settledStatus(kit, running);
    expect(failed.state).toBe('failed');
    expect(failed.offset).toBe('memory:2');
    expect(failed.lastError).toMatchObject({ envelopeId: 'p:3' });
    expect(failed.lastError?.message).toContain('read model unavailable');
    expect(kit.logs.find('the handler failed on envelope p:3', 'error')).toHaveLength(1);

    await kit.advance(200);
    expect(store.lines).toEqual(range(1, 5));
    expect((await settledStatus(kit, running)).state).toBe('running');
  });

  it('a restarted projection resumes after its stored offset', async () => {
    const { kit, readJournal, write, store } = setup();
    const projection = Projection.exactlyOnce({
      name: 'summary',
      source: SourceProvider.allEvents(readJournal),
      offsetStore: store,
      handler: (envelope, tx) => tx.apply(envelopeId(envelope)),
    });
    await write(3);
    const first = runProjection(kit.system, projection);
    await kit.settle();
    await first.stop();
    await write(3);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 3));

    runProjection(kit.system, projection);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 6));
  });

  it('catches up through many pages with one transaction per envelope', async () => {
    const { kit, readJournal, write, store } = setup({ pageSize: 7 });
    await write(250);
    runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        handler: (envelope, tx) => tx.apply(envelopeId(envelope)),
      }),
    );
    await kit.settle();
    expect(store.lines).toEqual(range(1, 250));
    expect(store.transactions).toBe(250);
  });

  it('envelopes that share an offset commit together: a crash on the second rolls back the first', async () => {
    const { kit, readJournal, write, store } = setup({ split: true });
    await write(1);
    await write(1, 'p', { split: 3 });
    await write(1);
    let crashes = 0;
    runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: store,
        restartBackoff: { minMs: 200, maxMs: 1000 },
        handler: (envelope, tx) => {
          const part = (envelope.event as { part?: number }).part;
          if (part === 1 && crashes++ === 0) throw new Error('crash in the middle of a split event');
          tx.apply(`${envelopeId(envelope)}${part === undefined ? '' : `#${part}`}`);
        },
      }),
    );
    await kit.settle();
    expect(store.lines).toEqual(['p:1']);
    expect(await store.readProjection({ name: 'summary', key: '' })).toEqual({ offset: 'memory:1', paused: false });
    await kit.advance(200);
    expect(store.lines).toEqual(['p:1', 'p:2#0', 'p:2#1', 'p:2#2', 'p:3']);
    expect(store.transactions).toBe(3);
  });
});
