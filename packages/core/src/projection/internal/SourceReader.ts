import type { Scheduler } from '../../actor/Scheduler.js';
import type { EventEnvelope } from '../../query/EventEnvelope.js';
import type { Offset } from '../../query/Offset.js';
import { takeReady } from '../../query/takeReady.js';
import type { SourceProvider } from '../SourceProvider.js';

/** Envelopes that share one offset, in source order: the unit an offset is stored after. */
export interface Run<E> {
  readonly offset: Offset;
  /** `String(offset)`, what the offset store keeps. */
  readonly offsetText: string;
  readonly envelopes: readonly EventEnvelope<E>[];
}

export interface Batch<E> {
  readonly runs: readonly Run<E>[];
  /** The source completed: nothing comes after these runs. */
  readonly done: boolean;
}

/**
 * Reads a source ahead in batches of whole runs. A batch waits for its first envelope as long as
 * the source does, then takes what the source has ready (read in the same turn of the event loop,
 * up to `batchSize` envelopes), so catching up goes at the source's page speed while the handler
 * still sees one envelope at a time. A run is finished when the next envelope has another offset
 * or is not ready yet (see the `SourceProvider` contract).
 */
export class SourceReader<E> {
  private readonly controller = new AbortController();
  private readonly iterator: AsyncIterator<EventEnvelope<E>>;
  /** The source's `next()` in flight, kept across batches so no envelope is lost. */
  private inFlight: Promise<IteratorResult<EventEnvelope<E>>> | undefined;
  /** Read for the next batch: it began a new run when this one was full. */
  private carry: EventEnvelope<E> | undefined;
  private finished = false;
  private reading: Promise<unknown> | undefined;

  constructor(
    source: SourceProvider<E>,
    from: Offset,
    private readonly batchSize: number,
    /** Counts the draining of a batch as activity (the test kit waits for it). */
    private readonly track: <V>(work: Promise<V>) => Promise<V>,
  ) {
    this.iterator = source.events(from, { signal: this.controller.signal })[Symbol.asyncIterator]();
  }

  /** The next runs; one read at a time. */
  read(): Promise<Batch<E>> {
    const reading = this.readBatch();
    this.reading = reading;
    return reading;
  }

  /**
   * Aborts the source's signal and waits (up to `timeoutMs` on `scheduler`) for a read in flight
   * to end; returns false when the source did not end in time.
   */
  async close(scheduler: Scheduler, timeoutMs: number): Promise<boolean> {
    this.controller.abort();
    const pending = [this.reading, this.inFlight].filter((work) => work !== undefined);
    if (!(await settlesWithin(Promise.allSettled(pending), scheduler, timeoutMs))) return false;
    const returned = this.iterator.return?.();
    return returned === undefined ? true : settlesWithin(returned, scheduler, timeoutMs);
  }

  private async readBatch(): Promise<Batch<E>> {
    const envelopes: EventEnvelope<E>[] = [];
    let first = this.carry;
    this.carry = undefined;
    if (first === undefined) {
      if (this.finished) return { runs: [], done: true };
      const result = await this.next();
      this.inFlight = undefined;
      if (result.done === true) {
        this.finished = true;
        return { runs: [], done: true };
      }
      first = result.value;
    }
    envelopes.push(first);
    await this.track(this.drain(envelopes));
    return { runs: toRuns(envelopes), done: this.finished && this.carry === undefined };
  }

  /** Takes the envelopes that are ready in this turn of the event loop. */
  private async drain(envelopes: EventEnvelope<E>[]): Promise<void> {
    const outcome = await takeReady(
      () => this.next(),
      () => (this.inFlight = undefined),
      envelopes,
      this.batchSize,
      (a, b) => sameOffset(a.offset, b.offset),
    );
    if (outcome.kind === 'done') this.finished = true;
    else if (outcome.kind === 'full') this.carry = outcome.carry;
  }

  /** The `next()` in flight, or a new one; whoever uses its result clears `inFlight`. */
  private next(): Promise<IteratorResult<EventEnvelope<E>>> {
    this.inFlight ??= this.iterator.next();
    return this.inFlight;
  }
}

function toRuns<E>(envelopes: readonly EventEnvelope<E>[]): Run<E>[] {
  const runs: Run<E>[] = [];
  let current: EventEnvelope<E>[] = [];
  for (const envelope of envelopes) {
    const previous = current[current.length - 1];
    if (previous !== undefined && !sameOffset(previous.offset, envelope.offset)) {
      runs.push(runOf(current));
      current = [];
    }
    current.push(envelope);
  }
  if (current.length > 0) runs.push(runOf(current));
  return runs;
}

function runOf<E>(envelopes: readonly EventEnvelope<E>[]): Run<E> {
  const offset = envelopes[0]!.offset;
  return { offset, offsetText: String(offset), envelopes };
}

function sameOffset(a: Offset, b: Offset): boolean {
  return a === b || String(a) === String(b);
}

/** True when `promise` settles (either way) within `timeoutMs`. */
export function settlesWithin(promise: Promise<unknown>, scheduler: Scheduler, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = scheduler.schedule(timeoutMs, () => resolve(false));
    const done = () => {
      timer.cancel();
      resolve(true);
    };
    promise.then(done, done);
  });
}
