import { describe, expect, it } from 'vitest';
import { ManualScheduler } from '../../testkit/ManualScheduler.js';
import type { EventEnvelope } from '../../query/EventEnvelope.js';
import { Offset } from '../../query/Offset.js';
import type { SourceProvider } from '../SourceProvider.js';
import { SourceReader } from './SourceReader.js';

const envelope = (offset: number, sequenceNr: number): EventEnvelope<number> => ({
  offset: Offset.parse(`test:${offset}`),
  persistenceId: 'p',
  sequenceNr,
  event: sequenceNr,
  timestamp: 0,
  tags: [],
});

/** Yields `ready` at once, then waits for `later` (resolved by the test) and yields it. */
function source(ready: readonly EventEnvelope<number>[], later?: Promise<readonly EventEnvelope<number>[]>) {
  const seen: { signal?: AbortSignal } = {};
  const provider: SourceProvider<number> = {
    events: (_from, options) => {
      seen.signal = options.signal;
      return (async function* () {
        yield* ready;
        if (later !== undefined) yield* await later;
      })();
    },
    parseOffset: (text) => Offset.parse(text),
  };
  return { provider, seen };
}

const track = <V>(work: Promise<V>) => work;
const shape = (runs: readonly { offsetText: string; envelopes: readonly EventEnvelope<number>[] }[]) =>
  runs.map((run) => `${run.offsetText}=${run.envelopes.map((e) => e.sequenceNr).join(',')}`);

describe('SourceReader', () => {
  it('groups envelopes that share an offset into one run and reads what is ready in one batch', async () => {
    const { provider } = source([envelope(1, 1), envelope(2, 2), envelope(2, 3), envelope(3, 4)]);
    const reader = new SourceReader(provider, Offset.start, 100, track);
    const batch = await reader.read();
    expect(shape(batch.runs)).toEqual(['test:1=1', 'test:2=2,3', 'test:3=4']);
    expect(batch.done).toBe(true);
  });

  it('fills a batch up to its size, but never ends it in the middle of a run', async () => {
    const { provider } = source([envelope(1, 1), envelope(2, 2), envelope(2, 3), envelope(2, 4), envelope(3, 5)]);
    const reader = new SourceReader(provider, Offset.start, 2, track);
    expect(shape((await reader.read()).runs)).toEqual(['test:1=1', 'test:2=2,3,4']);
    const last = await reader.read();
    expect(shape(last.runs)).toEqual(['test:3=5']);
    expect(last.done).toBe(true);
  });

  it('ends a batch when the source has nothing ready, and keeps the pending read for the next one', async () => {
    let deliver!: (envelopes: readonly EventEnvelope<number>[]) => void;
    const later = new Promise<readonly EventEnvelope<number>[]>((resolve) => (deliver = resolve));
    const { provider } = source([envelope(1, 1)], later);
    const reader = new SourceReader(provider, Offset.start, 100, track);
    expect(shape((await reader.read()).runs)).toEqual(['test:1=1']);
    const next = reader.read();
    deliver([envelope(2, 2)]);
    expect(shape((await next).runs)).toEqual(['test:2=2']);
  });

  it('close aborts the signal and waits for the read in flight to end', async () => {
    const scheduler = new ManualScheduler();
    const { provider, seen } = source([], new Promise(() => {}));
    const reader = new SourceReader(provider, Offset.start, 100, track);
    void reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    const closing = reader.close(scheduler, 1000);
    expect(seen.signal?.aborted).toBe(true);
    await scheduler.advance(1000);
    // This source ignores its signal: close gives up at the deadline.
    expect(await closing).toBe(false);
  });
});
