import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId } from '../query/EventEnvelope.js';
import { projectionFixture, range, TAG } from './fixture.test-support.js';
import { HandlerRecovery } from './HandlerRecovery.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

const id = { name: 'notify', key: '' };

function setup() {
  const fixture = projectionFixture();
  shutdown = () => fixture.kit.shutdown();
  return { ...fixture, offsets: new MemoryOffsetStore() };
}

describe('Projection.atMostOnce', () => {
  it('stores each offset before its handler runs', async () => {
    const { kit, write, offsets, readJournal } = setup();
    const storedWhenHandled: (string | undefined)[] = [];
    runProjection(
      kit.system,
      Projection.atMostOnce({
        name: 'notify',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: offsets,
        handler: async () => void storedWhenHandled.push((await offsets.readProjection(id)).offset),
      }),
    );
    await write(3);
    await kit.settle();
    expect(storedWhenHandled).toEqual(['memory:1', 'memory:2', 'memory:3']);
  });

  it('after a handler crash the envelope in flight is not handled again', async () => {
    const { kit, write, offsets, readJournal } = setup();
    const attempted: string[] = [];
    const handled: string[] = [];
    runProjection(
      kit.system,
      Projection.atMostOnce({
        name: 'notify',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: offsets,
        restartBackoff: { minMs: 200, maxMs: 1000 },
        handler: (envelope) => {
          attempted.push(envelopeId(envelope));
          if (envelope.sequenceNr === 3) throw new Error('mail server down');
          handled.push(envelopeId(envelope));
        },
      }),
    );
    await write(5);
    await kit.settle();
    expect(attempted).toEqual(range(1, 3));
    await kit.advance(200);
    expect(attempted).toEqual(range(1, 5));
    expect(handled).toEqual(['p:1', 'p:2', 'p:4', 'p:5']);
  });

  it('retries the handler without storing the offset again', async () => {
    const { kit, write, offsets, readJournal } = setup();
    let failures = 0;
    const handled: string[] = [];
    runProjection(
      kit.system,
      Projection.atMostOnce({
        name: 'notify',
        source: SourceProvider.eventsByTag(readJournal, TAG),
        offsetStore: offsets,
        recovery: HandlerRecovery.retryAndFail(2, 50),
        handler: (envelope) => {
          if (envelope.sequenceNr === 2 && failures++ < 2) throw new Error('busy');
          handled.push(envelopeId(envelope));
        },
      }),
    );
    await write(3);
    await kit.settle();
    expect(handled).toEqual(['p:1']);
    await kit.advance(50);
    await kit.advance(50);
    expect(handled).toEqual(range(1, 3));
    expect((await offsets.readProjection(id)).offset).toBe('memory:3');
  });
});
