import { Offset, type ReadJournal } from '@engram/core';
import { accountTag } from './accountLog.js';
import { percentile } from './rates.js';

export interface Percentiles {
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function percentilesOf(samples: readonly number[]): Percentiles {
  return { samples: samples.length, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), max: samples.length === 0 ? NaN : Math.max(...samples) };
}

/**
 * A live `eventsByTag('account')` consumer from the start, recording for every envelope
 * `Date.now() - envelope.timestamp` (the writer's clock: same machine). `stop()` waits until it
 * has received `expected` events (or `deadlineMs` passes), ends the query and returns the
 * latencies of the events stamped at or after `measureFrom`.
 */
export class LiveConsumer {
  private readonly controller = new AbortController();
  private readonly stamps: number[] = [];
  private readonly latencies: number[] = [];
  private received = 0;
  private readonly done: Promise<void>;

  constructor(journal: ReadJournal<unknown>) {
    this.done = (async () => {
      for await (const envelope of journal.eventsByTag(accountTag, Offset.start, { signal: this.controller.signal })) {
        this.latencies.push(Date.now() - envelope.timestamp);
        this.stamps.push(envelope.timestamp);
        this.received++;
      }
    })();
    // Reported by stop(); keep an early failure from being an unhandled rejection meanwhile.
    this.done.catch(() => undefined);
  }

  get count(): number {
    return this.received;
  }

  async stop(expected: number, measureFrom: number, deadlineMs = 30_000): Promise<Percentiles> {
    const deadline = performance.now() + deadlineMs;
    let failed: unknown;
    this.done.catch((error: unknown) => (failed = error));
    while (this.received < expected && failed === undefined && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.controller.abort();
    await this.done;
    if (this.received !== expected) throw new Error(`the live consumer received ${this.received} events, ${expected} were stored`);
    return percentilesOf(this.latencies.filter((_, i) => this.stamps[i]! >= measureFrom));
  }
}
