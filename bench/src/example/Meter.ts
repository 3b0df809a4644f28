import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

/** How one request ended: an HTTP status, or a failure before any status (connection, timeout). */
export type Outcome =
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  | { readonly kind: 'network'; readonly code: string; readonly message: string };

/** Requests that completed in one interval (by completion time) and their latencies. */
export interface Interval {
  readonly ok: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** One kind of error (a status and error code, or a network error code) with how often and an example. */
export interface ErrorKind {
  readonly key: string;
  readonly count: number;
  readonly example: string;
}

const exampleChars = 300;

/**
 * Counts outcomes of a closed loop: 2xx are successes, every other status and every network error
 * is an error, kept by kind with its first response body. Latency histograms are kept for the
 * current interval and the whole measurement.
 */
export class Meter {
  private ok = 0;
  private errors = 0;
  private intervalOk = 0;
  private intervalErrors = 0;
  private intervalStart: number;
  private readonly total: RecordableHistogram = createHistogram();
  private interval: RecordableHistogram = createHistogram();
  private readonly kinds = new Map<string, { count: number; readonly example: string }>();

  constructor(private readonly startedAt: number = performance.now()) {
    this.intervalStart = startedAt;
  }

  record(outcome: Outcome, latencyNs: number): void {
    const ok = outcome.kind === 'status' && outcome.status >= 200 && outcome.status < 300;
    if (ok) {
      this.ok++;
      this.intervalOk++;
    } else {
      this.errors++;
      this.intervalErrors++;
      this.countError(outcome);
    }
    // Latency of errors too: a fast 503 or a slow timeout belongs in what clients saw.
    const ns = Math.max(1, Math.round(latencyNs));
    this.total.record(ns);
    this.interval.record(ns);
  }

  /** Closes the current interval at `now` and starts the next. */
  cut(now: number = performance.now()): Interval {
    const interval = summarize(this.intervalOk, this.intervalErrors, (now - this.intervalStart) / 1000, this.interval);
    this.intervalOk = 0;
    this.intervalErrors = 0;
    this.intervalStart = now;
    this.interval = createHistogram();
    return interval;
  }

  /** Everything since the meter started, up to `now`. */
  whole(now: number = performance.now()): Interval {
    return summarize(this.ok, this.errors, (now - this.startedAt) / 1000, this.total);
  }

  errorKinds(): readonly ErrorKind[] {
    return [...this.kinds].map(([key, { count, example }]) => ({ key, count, example })).sort((a, b) => b.count - a.count);
  }

  private countError(outcome: Outcome): void {
    const key = outcome.kind === 'network' ? `network ${outcome.code}` : `HTTP ${outcome.status} ${errorCode(outcome.body)}`;
    const known = this.kinds.get(key);
    if (known !== undefined) {
      known.count++;
      return;
    }
    const example = outcome.kind === 'network' ? outcome.message : (outcome.body ?? '');
    this.kinds.set(key, { count: 1, example: example.slice(0, exampleChars) });
  }
}

function summarize(ok: number, errors: number, seconds: number, histogram: RecordableHistogram): Interval {
  const empty = histogram.count === 0;
  return {
    ok,
    errors,
    seconds,
    p50Ms: empty ? Number.NaN : histogram.percentile(50) / 1e6,
    p99Ms: empty ? Number.NaN : histogram.percentile(99) / 1e6,
  };
}

// The example answers errors as {"error": code, ...}; other bodies are grouped by status alone.
function errorCode(body: string | undefined): string {
  if (body === undefined) return '';
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return '';
}
