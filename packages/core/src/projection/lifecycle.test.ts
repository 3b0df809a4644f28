import { afterEach, describe, expect, it } from 'vitest';
import { ask } from '../actor/ask.js';
import type { EventEnvelope } from '../query/EventEnvelope.js';
import { envelopeId } from '../query/EventEnvelope.js';
import { ProjectionStopped } from './errors.js';
import { projectionFixture, range, TAG } from './fixture.test-support.js';
import { MemoryOffsetStore } from './MemoryOffsetStore.js';
import { Projection } from './Projection.js';
import { ProjectionBehavior, type ProjectionCommand } from './ProjectionBehavior.js';
import type { ProjectionStatus } from './ProjectionStatus.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

let shutdown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await shutdown?.();
  shutdown = undefined;
});

const id = { name: 'audit', key: '' };

/** `inner`, counting the iterations that are still open. */
function tracked<E>(inner: SourceProvider<E>) {
  const iterations = { open: 0, started: 0 };
  const source: SourceProvider<E> = {
    ...inner,
    events: (from, options) => ({
      async *[Symbol.asyncIterator]() {
        iterations.open++;
        iterations.started++;
        try {
          yield* inner.events(from, options);
        } finally {
          iterations.open--;
        }
      },
    }),
  };
  return { source, iterations };
}

function setup() {
  const fixture = projectionFixture();
  shutdown = () => fixture.kit.shutdown();
  const offsets = new MemoryOffsetStore();
  const { source, iterations } = tracked(SourceProvider.eventsByTag(fixture.readJournal, TAG));
  const seen: string[] = [];
  const projection = (handler: (envelope: EventEnvelope) => void = (envelope) => void seen.push(envelopeId(envelope))) =>
    Projection.atLeastOnce({
      name: 'audit',
      source: source as SourceProvider,
      offsetStore: offsets,
      saveOffsetAfterEnvelopes: 100,
      saveOffsetAfterMs: 60_000,
      restartBackoff: { minMs: 100, maxMs: 100 },
      handler,
    });
  return { ...fixture, offsets, iterations, seen, projection };
}

describe('stopping a projection', () => {
  it('stop ends the live query, stores what was handled and leaves no timer behind', async () => {
    const { kit, write, offsets, iterations, projection } = setup();
    const running = runProjection(kit.system, projection());
    await write(3);
    await kit.settle();
    expect(iterations.open).toBe(1);
    expect(kit.clock.pendingTasks).toBeGreaterThan(0);
    await running.stop();
    expect(iterations.open).toBe(0);
    expect((await offsets.readProjection(id)).offset).toBe('memory:3');
    expect(kit.clock.pendingTasks).toBe(0);
    expect(await running.status()).toMatchObject({ state: 'stopped', offset: 'memory:3', lagEvents: 0 });
    await expect(running.pause()).rejects.toThrow(ProjectionStopped);
  });

  it('system.terminate ends the live query and stores what was handled', async () => {
    const { kit, write, offsets, iterations, projection } = setup();
    const running = runProjection(kit.system, projection());
    await write(2);
    await kit.settle();
    await kit.shutdown();
    shutdown = undefined;
    expect(iterations.open).toBe(0);
    expect((await offsets.readProjection(id)).offset).toBe('memory:2');
    await expect(running.status()).rejects.toThrow(ProjectionStopped);
  });

  it('calls made once its actor stopped (from a termination hook) answer at once, not after the ask timeout', async () => {
    const { kit, write, projection } = setup();
    const running = runProjection(kit.system, projection(), { askTimeoutMs: 3_600_000 });
    await write(1);
    await kit.settle();
    const outcomes: string[] = [];
    kit.system.registerOnTermination('app', async () => {
      await running.stop();
      outcomes.push('stopped');
      await running.status().catch((error: unknown) => outcomes.push((error as Error).name));
    });
    await kit.shutdown();
    shutdown = undefined;
    expect(outcomes).toEqual(['stopped', 'ProjectionStopped']);
  });

  it('a failed run closes its query before the restart opens the next one', async () => {
    const { kit, write, iterations, seen, projection } = setup();
    let crashes = 0;
    runProjection(
      kit.system,
      projection((envelope) => {
        if (envelope.sequenceNr === 2 && crashes++ === 0) throw new Error('once');
        seen.push(envelopeId(envelope));
      }),
    );
    await write(3);
    await kit.settle();
    expect(iterations).toEqual({ open: 0, started: 1 });
    await kit.advance(100);
    expect(iterations).toEqual({ open: 1, started: 2 });
    expect(seen).toEqual(['p:1', 'p:1', 'p:2', 'p:3']);
  });

  it('a source that completes stops the projection after storing its offset', async () => {
    const { kit, write, offsets, readJournal } = setup();
    await write(3);
    const running = runProjection(
      kit.system,
      Projection.atLeastOnce({
        name: 'audit',
        source: {
          events: (from, options) => readJournal.currentEventsByTag(TAG, from, options),
          parseOffset: (text) => readJournal.parseOffset(text),
        },
        offsetStore: offsets,
        handler: () => {},
      }),
    );
    await kit.settle();
    expect((await offsets.readProjection(id)).offset).toBe('memory:3');
    const status = await running.status();
    expect(status.state).toBe('stopped');
    expect(kit.logs.find('its source completed')).toHaveLength(1);
  });

  it('stop waits at most stopTimeoutMs for a source that ignores its signal', async () => {
    // The runner's stop waits on the clock: the test kit must not wait for it to settle first.
    let stopping: Promise<unknown> | undefined;
    const fixture = projectionFixture({ heldWork: () => (stopping === undefined ? 0 : 1) });
    shutdown = () => fixture.kit.shutdown();
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    const deaf: SourceProvider = {
      events: () => ({
        async *[Symbol.asyncIterator]() {
          await never;
        },
      }),
      parseOffset: (text) => fixture.readJournal.parseOffset(text),
    };
    const running = runProjection(
      fixture.kit.system,
      Projection.atLeastOnce({ name: 'deaf', source: deaf, offsetStore: new MemoryOffsetStore(), stopTimeoutMs: 2000, handler: () => {} }),
    );
    await fixture.kit.settle();
    let stopped = false;
    stopping = running.stop().then(() => (stopped = true));
    await fixture.kit.advance(1999);
    expect(stopped).toBe(false);
    await fixture.kit.advance(1);
    await stopping;
    expect(fixture.kit.logs.find('its source did not end within 2000 ms', 'warn')).toHaveLength(1);
    release();
  });
});

describe('ProjectionBehavior', () => {
  it('is a behavior that a parent (here the system) spawns and asks directly', async () => {
    const { kit, write, seen, projection } = setup();
    const ref = kit.system.spawn(ProjectionBehavior.create(projection()), 'audit');
    await write(2);
    await kit.settle();
    const status = ask<ProjectionCommand, ProjectionStatus>(ref, (replyTo) => ({ type: 'getStatus', replyTo }), { timeoutMs: 1000 });
    await kit.settle();
    expect(await status).toMatchObject({ name: 'audit', state: 'running', offset: 'memory:2' });
    expect(seen).toEqual(range(1, 2));
  });
});
