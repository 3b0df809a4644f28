import { ActorSystem, runProjection, type EventEnvelope, type Projection, type SourceOptions, type SourceProvider } from '@engram/core';
import { runBudgetSeconds, type Rate } from './rates.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `projection` in a fresh actor system from its stored offset (none: the start) until
 * `handled()` reaches `target` (or the run budget is spent), then stops it. The clock runs from
 * the start of the projection (reading its offset, opening its live query) to the handler's
 * `target`-th envelope.
 */
export async function projectUntil(projection: Projection<unknown>, handled: () => number, target: number): Promise<Rate> {
  const deadlineMs = runBudgetSeconds * 1000;
  const system = ActorSystem.create('bench-projection', { logLevel: 'warn' });
  try {
    const start = performance.now();
    const running = runProjection(system, projection);
    const deadline = start + deadlineMs;
    let nextCheck = start + 500;
    while (handled() < target) {
      const now = performance.now();
      if (now > nextCheck) {
        nextCheck = now + 500;
        // A failing handler would be retried with backoff for ever: report it instead.
        const status = await running.status();
        if (status.state === 'failed') {
          throw new Error(`projection ${projection.id.name} failed after ${handled()} of ${target} events: ${JSON.stringify(status.lastError)}`);
        }
        if (now > deadline) {
          const count = handled();
          await running.stop();
          return { count, seconds: (performance.now() - start) / 1000, stoppedShortOf: target };
        }
      }
      await sleep(1);
    }
    const seconds = (performance.now() - start) / 1000;
    const count = handled();
    await running.stop();
    return { count, seconds };
  } finally {
    await system.terminate();
  }
}

/**
 * The first `limit` envelopes of `source`, then nothing until the projection stops: a log that
 * ends there. Without it, a projection on SQLite would run through the whole log before the
 * bench's clock check ran (its catch-up never yields to the event loop: every page is read
 * synchronously, so only microtasks run).
 */
export function firstEnvelopes<E>(source: SourceProvider<E>, limit: number): SourceProvider<E> {
  return {
    parseOffset: (text) => source.parseOffset(text),
    events: (from, options: SourceOptions) => ({
      async *[Symbol.asyncIterator](): AsyncGenerator<EventEnvelope<E>> {
        let count = 0;
        if (count < limit) {
          for await (const envelope of source.events(from, options)) {
            yield envelope;
            if (++count >= limit) break;
          }
        }
        if (!options.signal.aborted) await new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }));
      },
    }),
  };
}

/**
 * `source` with a turn of the event loop (`setImmediate`) after every `every` envelopes: what a
 * synchronous store's catch-up does not do by itself (bench/README.md, read side: without it, a
 * projection's read-ahead keeps every envelope of the catch-up reachable until the catch-up ends).
 */
export function yieldingEvery<E>(source: SourceProvider<E>, every: number): SourceProvider<E> {
  return {
    parseOffset: (text) => source.parseOffset(text),
    events: (from, options: SourceOptions) => ({
      async *[Symbol.asyncIterator](): AsyncGenerator<EventEnvelope<E>> {
        let count = 0;
        for await (const envelope of source.events(from, options)) {
          yield envelope;
          if (++count % every === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      },
    }),
  };
}
