import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId } from '../query/EventEnvelope.js';
import { OffsetConflict } from '../spi/errors.js';
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

describe('two instances of one projection', () => {
  it('the second fails loudly on its first offset write and stops; nothing is applied twice', async () => {
    const fixture = projectionFixture();
    shutdown = () => fixture.kit.shutdown();
    const { kit, write, readJournal } = fixture;
    const store = new ReadModelStore();
    const projection = Projection.exactlyOnce({
      name: 'summary',
      source: SourceProvider.eventsByTag(readJournal, TAG),
      offsetStore: store,
      restartBackoff: { minMs: 100, maxMs: 100 },
      handler: (envelope, tx) => tx.apply(envelopeId(envelope)),
    });
    await write(3);
    const a = runProjection(kit.system, projection, { actorName: 'instance-a' });
    const b = runProjection(kit.system, projection, { actorName: 'instance-b' });
    await kit.settle();
    await write(2);
    await kit.advance(1000);

    expect(store.lines).toEqual(range(1, 5));
    const states = [(await settledStatus(kit, a)).state, (await settledStatus(kit, b)).state].sort();
    expect(states).toEqual(['failed', 'running']);
    const loser = (await settledStatus(kit, a)).state === 'failed' ? a : b;
    expect((await settledStatus(kit, loser)).lastError?.message).toMatch(/projection summary: expected its stored offset to be none but found memory:\d/);
    expect(kit.logs.find('another instance of it; this instance stops and is not restarted', 'error')).toHaveLength(1);
    // Not retried with backoff: no restart was logged for the loser.
    expect(kit.logs.find('restarting in').filter((entry) => String(entry.fields['actor']).includes(loser.ref.path))).toEqual([]);
  });

  it('an at-least-once instance whose offset was moved under it stops at its next save', async () => {
    const fixture = projectionFixture();
    shutdown = () => fixture.kit.shutdown();
    const offsets = new MemoryOffsetStore();
    const id = { name: 'audit', key: '' };
    const seen: string[] = [];
    const running = runProjection(
      fixture.kit.system,
      Projection.atLeastOnce({
        name: 'audit',
        source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
        offsetStore: offsets,
        saveOffsetAfterEnvelopes: 2,
        handler: (envelope) => void seen.push(envelopeId(envelope)),
      }),
    );
    await fixture.write(2);
    await fixture.kit.settle();
    await offsets.saveOffset(id, 'memory:2', 'memory:9');
    await fixture.write(2);
    await fixture.kit.settle();
    const status = await settledStatus(fixture.kit, running);
    expect(status.state).toBe('failed');
    expect(status.lastError?.message).toContain(new OffsetConflict('audit', 'memory:2', 'memory:9').message);
    expect((await offsets.readProjection(id)).offset).toBe('memory:9');
    await fixture.write(1);
    await fixture.kit.advance(60_000);
    expect(seen).toEqual(range(1, 4));
    // Not restarted: it would go on after the offset someone else stored.
    expect((await settledStatus(fixture.kit, running)).state).toBe('failed');
  });
});
