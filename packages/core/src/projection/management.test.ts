import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOffset } from '../query/errors.js';
import { envelopeId } from '../query/EventEnvelope.js';
import { projectionFixture, range, ReadModelStore, settledStatus, TAG } from './fixture.test-support.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

const id = { name: 'summary', key: '' };

function setup() {
  const fixture = projectionFixture();
  shutdown = () => fixture.kit.shutdown();
  const store = new ReadModelStore();
  const projection = Projection.exactlyOnce({
    name: 'summary',
    source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
    offsetStore: store,
    handler: (envelope, tx) => tx.apply(envelopeId(envelope)),
    rebuild: (tx) => tx.apply('cleared'),
  });
  return { ...fixture, store, projection };
}

describe('managing a running projection', () => {
  it('pause stops consuming and resume goes on where it stopped', async () => {
    const { kit, write, store, projection } = setup();
    const running = runProjection(kit.system, projection);
    await write(2);
    await kit.settle();
    await running.pause();
    expect((await settledStatus(kit, running)).state).toBe('paused');
    await write(2);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 2));
    await running.resume();
    await kit.settle();
    expect(store.lines).toEqual(range(1, 4));
    expect((await settledStatus(kit, running)).state).toBe('running');
  });

  it('a paused projection starts paused after a restart', async () => {
    const { kit, write, store, projection } = setup();
    const first = runProjection(kit.system, projection);
    await kit.settle();
    await first.pause();
    await first.stop();
    expect(await store.readProjection(id)).toEqual({ offset: undefined, paused: true });

    const second = runProjection(kit.system, projection);
    await write(3);
    await kit.settle();
    expect(store.lines).toEqual([]);
    expect((await settledStatus(kit, second)).state).toBe('paused');
    await second.resume();
    await kit.settle();
    expect(store.lines).toEqual(range(1, 3));
    expect((await store.readProjection(id)).paused).toBe(false);
  });

  it('pause lets the envelope in flight finish first', async () => {
    const fixture = projectionFixture();
    shutdown = () => fixture.kit.shutdown();
    const offsets = new MemoryOffsetStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let enter!: () => void;
    const entered = new Promise<void>((resolve) => (enter = resolve));
    const handled: string[] = [];
    const running = runProjection(
      fixture.kit.system,
      Projection.atLeastOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
        offsetStore: offsets,
        handler: async (envelope) => {
          if (envelope.sequenceNr === 1) {
            enter();
            await gate;
          }
          handled.push(envelopeId(envelope));
        },
      }),
    );
    await fixture.write(3);
    await entered;
    let paused = false;
    const pausing = running.pause().then(() => (paused = true));
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(paused).toBe(false);
    expect((await offsets.readProjection(id)).paused).toBe(true);
    release();
    await pausing;
    expect(handled).toEqual(['p:1']);
    expect(await offsets.readProjection(id)).toEqual({ offset: 'memory:1', paused: true });
  });

  it('setOffset while running restarts the source after the new offset', async () => {
    const { kit, write, store, projection } = setup();
    const running = runProjection(kit.system, projection);
    await write(5);
    await kit.settle();
    await running.setOffset('memory:3');
    await kit.settle();
    expect(store.lines).toEqual([...range(1, 5), ...range(4, 5)]);
    expect((await settledStatus(kit, running)).offset).toBe('memory:5');
  });

  it('setOffset while paused stores the offset and stays paused; resume goes on from it', async () => {
    const { kit, write, store, projection, readJournal } = setup();
    const running = runProjection(kit.system, projection);
    await write(5);
    await kit.settle();
    await running.pause();
    await running.setOffset(readJournal.parseOffset('memory:1'));
    expect(await store.readProjection(id)).toEqual({ offset: 'memory:1', paused: true });
    const status = await settledStatus(kit, running);
    expect(status).toMatchObject({ state: 'paused', offset: 'memory:1', lagEvents: 4 });
    await running.resume();
    await kit.settle();
    expect(store.lines).toEqual([...range(1, 5), ...range(2, 5)]);
  });

  it('clearOffset runs the projection again from the start', async () => {
    const { kit, write, store, projection } = setup();
    const running = runProjection(kit.system, projection);
    await write(2);
    await kit.settle();
    await running.clearOffset();
    await kit.settle();
    expect(store.lines).toEqual([...range(1, 2), ...range(1, 2)]);
  });

  it('setOffset refuses an offset of another store, naming it, and changes nothing', async () => {
    const { kit, write, store, projection } = setup();
    const running = runProjection(kit.system, projection);
    await write(2);
    await kit.settle();
    await expect(running.setOffset('sqlite:1')).rejects.toThrow(InvalidOffset);
    await expect(running.setOffset('sqlite:1')).rejects.toThrow(/offset of a sqlite journal/);
    expect((await store.readProjection(id)).offset).toBe('memory:2');
    await write(1);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 3));
  });

  it('rebuild runs the hook and clears the offset in one transaction, then runs from the start', async () => {
    const { kit, write, store, projection } = setup();
    const running = runProjection(kit.system, projection);
    await write(3);
    await kit.settle();
    await running.pause();
    await running.rebuild();
    await kit.settle();
    expect(store.lines).toEqual([...range(1, 3), 'cleared', ...range(1, 3)]);
    const status = await settledStatus(kit, running);
    expect(status).toMatchObject({ state: 'running', offset: 'memory:3' });
    expect((await store.readProjection(id)).paused).toBe(false);
  });

  it('rebuild of an at-least-once projection runs the hook, then clears the offset', async () => {
    const fixture = projectionFixture();
    shutdown = () => fixture.kit.shutdown();
    const offsets = new MemoryOffsetStore();
    const seen: string[] = [];
    const running = runProjection(
      fixture.kit.system,
      Projection.atLeastOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
        offsetStore: offsets,
        saveOffsetAfterEnvelopes: 1,
        handler: (envelope) => void seen.push(envelopeId(envelope)),
        rebuild: async () => {
          seen.push(`cleared at ${(await offsets.readProjection(id)).offset}`);
        },
      }),
    );
    await fixture.write(2);
    await fixture.kit.settle();
    await running.rebuild();
    await fixture.kit.settle();
    expect(seen).toEqual(['p:1', 'p:2', 'cleared at memory:2', 'p:1', 'p:2']);
  });

  it('commands sent while another waits for the run to stop are carried out in order', async () => {
    const { kit, write, store, projection } = setup();
    const running = runProjection(kit.system, projection);
    await write(3);
    await kit.settle();
    await Promise.all([running.setOffset('memory:1'), running.pause(), running.setOffset('memory:2'), running.resume()]);
    await kit.settle();
    expect(store.lines).toEqual([...range(1, 3), 'p:3']);
    expect(await store.readProjection(id)).toEqual({ offset: 'memory:3', paused: false });
  });
});
