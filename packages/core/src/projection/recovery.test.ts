import { afterEach, describe, expect, it } from 'vitest';
import { envelopeId, type EventEnvelope } from '../query/EventEnvelope.js';
import { projectionFixture, range, ReadModelStore, settledStatus, TAG, type ReadModelTx, type TestEvent } from './fixture.test-support.js';
import { HandlerRecovery, type HandlerRecoveryStrategy } from './HandlerRecovery.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

/** An exactly-once projection whose handler fails on p:3 `failures` times (Infinity: always). */
function setup(recovery: HandlerRecoveryStrategy, failures: number) {
  const fixture = projectionFixture();
  shutdown = () => fixture.kit.shutdown();
  const store = new ReadModelStore();
  let attempts = 0;
  const running = runProjection(
    fixture.kit.system,
    Projection.exactlyOnce({
      name: 'summary',
      source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
      offsetStore: store,
      recovery,
      restartBackoff: { minMs: 1000, maxMs: 10_000 },
      handler: (envelope: EventEnvelope<TestEvent>, tx: ReadModelTx) => {
        if (envelope.sequenceNr === 3 && ++attempts <= failures) throw new Error(`failure ${attempts}`);
        tx.apply(envelopeId(envelope));
      },
    }),
  );
  return { ...fixture, store, running, attempts: () => attempts };
}

describe('handler recovery strategies', () => {
  it('fail (the default) fails the run on the first error, logged with the projection and envelope id', async () => {
    const { kit, write, store, running, attempts } = setup(HandlerRecovery.fail(), 1);
    await write(4);
    await kit.settle();
    expect(attempts()).toBe(1);
    expect(store.lines).toEqual(range(1, 2));
    expect((await settledStatus(kit, running)).state).toBe('failed');
    const [logged] = kit.logs.find('the handler failed on envelope p:3', 'error');
    expect(logged?.fields).toMatchObject({ projection: 'summary', envelopeId: 'p:3' });
    await kit.advance(1000);
    expect(store.lines).toEqual(range(1, 4));
  });

  it('skip passes over the failing envelope and stores its offset without its writes', async () => {
    const { kit, write, store, running } = setup(HandlerRecovery.skip(), Infinity);
    await write(5);
    await kit.settle();
    expect(store.lines).toEqual(['p:1', 'p:2', 'p:4', 'p:5']);
    expect(await store.readProjection({ name: 'summary', key: '' })).toEqual({ offset: 'memory:5', paused: false });
    const [logged] = kit.logs.find('skipping it', 'warn');
    expect(logged?.fields).toMatchObject({ projection: 'summary', envelopeId: 'p:3' });
    const status = await settledStatus(kit, running);
    expect(status.state).toBe('running');
    expect(status.lastError).toMatchObject({ envelopeId: 'p:3', message: 'failure 1' });
  });

  it('retryAndFail retries delayMs apart on the clock, then fails the run; the restart tries again', async () => {
    const { kit, write, store, running, attempts } = setup(HandlerRecovery.retryAndFail(3, 100), Infinity);
    await write(4);
    await kit.settle();
    expect(attempts()).toBe(1);
    await kit.advance(99);
    expect(attempts()).toBe(1);
    await kit.advance(1);
    expect(attempts()).toBe(2);
    expect((await settledStatus(kit, running)).state).toBe('running');
    await kit.advance(200);
    expect(attempts()).toBe(4);
    expect(kit.logs.find('retrying in 100 ms', 'warn')).toHaveLength(3);
    const failed = await settledStatus(kit, running);
    expect(failed.state).toBe('failed');
    expect(failed.lastError?.message).toMatch(/the handler failed on envelope p:3 \(4 attempts\): failure 4/);
    expect(store.lines).toEqual(range(1, 2));
    await kit.advance(1000);
    expect(attempts()).toBe(5);
  });

  it('retryAndFail goes on when a retry succeeds', async () => {
    const { kit, write, store, running } = setup(HandlerRecovery.retryAndFail(3, 100), 2);
    await write(4);
    await kit.advance(200);
    expect(store.lines).toEqual(range(1, 4));
    expect((await settledStatus(kit, running)).state).toBe('running');
  });

  it('retryAndSkip retries, then passes over the envelope', async () => {
    const { kit, write, store, attempts } = setup(HandlerRecovery.retryAndSkip(2, 50), Infinity);
    await write(4);
    await kit.settle();
    await kit.advance(50);
    expect(store.lines).toEqual(range(1, 2));
    await kit.advance(50);
    expect(attempts()).toBe(3);
    expect(store.lines).toEqual(['p:1', 'p:2', 'p:4']);
  });

  it('a retry of an at-least-once run goes on from the envelope that failed', async () => {
    const fixture = projectionFixture({ split: true });
    shutdown = () => fixture.kit.shutdown();
    const seen: string[] = [];
    let failed = false;
    runProjection(
      fixture.kit.system,
      Projection.atLeastOnce({
        name: 'audit',
        source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
        offsetStore: new MemoryOffsetStore(),
        recovery: HandlerRecovery.retryAndFail(1, 10),
        handler: (envelope) => {
          const part = envelope.event.part;
          if (part === 1 && !failed) {
            failed = true;
            throw new Error('once');
          }
          seen.push(`${envelopeId(envelope)}#${part}`);
        },
      }),
    );
    await fixture.write(1, 'p', { split: 3 });
    await fixture.kit.advance(10);
    expect(seen).toEqual(['p:1#0', 'p:1#1', 'p:1#2']);
  });

  it('the backoff between failed runs doubles from minMs and is reset by a stretch of success', async () => {
    const fixture = projectionFixture();
    shutdown = () => fixture.kit.shutdown();
    const { kit, write } = fixture;
    const store = new ReadModelStore();
    // p:3 fails three times, p:5 once.
    const failuresLeft = new Map([
      [3, 3],
      [5, 1],
    ]);
    const attemptsAt: number[] = [];
    runProjection(
      kit.system,
      Projection.exactlyOnce({
        name: 'summary',
        source: SourceProvider.eventsByTag(fixture.readJournal, TAG),
        offsetStore: store,
        restartBackoff: { minMs: 1000, maxMs: 10_000, randomFactor: 0, resetAfterMs: 5000 },
        handler: (envelope, tx) => {
          const left = failuresLeft.get(envelope.sequenceNr) ?? 0;
          if (left > 0 || envelope.sequenceNr === 3) attemptsAt.push(kit.clock.now());
          if (left > 0) {
            failuresLeft.set(envelope.sequenceNr, left - 1);
            throw new Error('not yet');
          }
          tx.apply(envelopeId(envelope));
        },
      }),
    );
    const start = kit.clock.now();
    await write(4);
    await kit.advance(1000 + 2000 + 4000);
    expect(attemptsAt.map((at) => at - start)).toEqual([0, 1000, 3000, 7000]);
    expect(store.lines).toEqual(range(1, 4));
    await kit.advance(5000);
    await write(1);
    await kit.settle();
    expect(store.lines).toEqual(range(1, 4));
    await kit.advance(1000);
    expect(store.lines).toEqual(range(1, 5));
  });
});
