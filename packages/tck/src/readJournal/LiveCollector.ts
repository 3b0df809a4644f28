import { within } from './DeadlineExceeded.js';

const YIELD_EVERY = 256;
/** No case reads this much, also from the start of a store shared with other suites. */
const MAX_RECEIVED = 1_000_000;

/**
 * Reads a query in the background and keeps what it returned, so a case can write between reads
 * and wait for what it expects. Every wait has a deadline; `stop` aborts the query's signal, which
 * must end it even while it waits for new events.
 */
export class LiveCollector<T> {
  /** What the query returned so far (only the items `keep` accepted), in order. */
  readonly items: T[] = [];
  readonly #controller = new AbortController();
  readonly #listeners = new Set<() => void>();
  readonly #finished: Promise<void>;
  #ended = false;
  #failure: { readonly error: unknown } | undefined;

  private constructor(
    readonly what: string,
    source: (signal: AbortSignal) => AsyncIterable<T>,
    keep: (item: T) => boolean,
    private readonly describe: (items: readonly T[]) => string,
  ) {
    this.#finished = this.#run(source, keep);
  }

  /**
   * Starts reading `source(signal)` at once. `keep` filters out what other cases wrote to the
   * shared store; `describe` prints items in failure messages.
   */
  static start<T>(
    what: string,
    source: (signal: AbortSignal) => AsyncIterable<T>,
    options: { readonly keep?: (item: T) => boolean; readonly describe?: (items: readonly T[]) => string } = {},
  ): LiveCollector<T> {
    return new LiveCollector(what, source, options.keep ?? (() => true), options.describe ?? defaultDescribe);
  }

  /** True once the query completed by itself (or failed). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Resolves once `condition(items)` holds. Rejects when the query fails, or completes first, or
   * at the deadline, naming what it had got.
   */
  async waitFor(condition: (items: readonly T[]) => boolean, deadlineMs: number, expectation: string): Promise<void> {
    const what = `${this.what}: waiting for ${expectation}`;
    await within(
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (this.#failure !== undefined) {
            this.#listeners.delete(check);
            reject(this.#failure.error);
          } else if (condition(this.items)) {
            this.#listeners.delete(check);
            resolve();
          } else if (this.#ended) {
            this.#listeners.delete(check);
            reject(new Error(`${what}: the query completed first, after ${this.#summary()}`));
          }
        };
        this.#listeners.add(check);
        check();
      }),
      deadlineMs,
      what,
      () => `got ${this.#summary()}`,
    );
  }

  /** Resolves with the items once the query completes by itself; rejects at the deadline or on failure. */
  async waitForEnd(deadlineMs: number, expectation = 'the query to complete'): Promise<T[]> {
    await this.waitFor(() => this.#ended, deadlineMs, expectation);
    return this.items;
  }

  /** Aborts the query and waits for it to end; rejects when it does not end within the deadline. */
  async stop(deadlineMs: number): Promise<T[]> {
    this.#controller.abort();
    await within(this.#finished, deadlineMs, `${this.what}: ending the query when its signal aborts`, () => `got ${this.#summary()}`);
    if (this.#failure !== undefined) throw this.#failure.error;
    return this.items;
  }

  /** Aborts without waiting: for cleanup after a failure. */
  abort(): void {
    this.#controller.abort();
  }

  async #run(source: (signal: AbortSignal) => AsyncIterable<T>, keep: (item: T) => boolean): Promise<void> {
    let received = 0;
    try {
      for await (const item of source(this.#controller.signal)) {
        // A store that answers from memory can return events without ever giving timers (the
        // deadlines) a turn, e.g. the same event again and again: let them run now and then.
        if (++received % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        if (received > MAX_RECEIVED) throw new Error(`${this.what}: the query returned more than ${MAX_RECEIVED} items; is it repeating events?`);
        if (!keep(item)) continue;
        this.items.push(item);
        this.#notify();
      }
    } catch (error) {
      this.#failure = { error };
    }
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #summary(): string {
    return `${this.items.length} item(s)${this.items.length === 0 ? '' : `: ${this.describe(this.items)}`}`;
  }
}

function defaultDescribe(items: readonly unknown[]): string {
  const shown = items.slice(-20).map((item) => JSON.stringify(item));
  return (items.length > 20 ? '..., ' : '') + shown.join(', ');
}

/** Everything a query that completes (a `current*` one) returns; rejects when it does not complete in time. */
export async function drain<T>(
  what: string,
  source: (signal: AbortSignal) => AsyncIterable<T>,
  deadlineMs: number,
  options: { readonly keep?: (item: T) => boolean; readonly describe?: (items: readonly T[]) => string } = {},
): Promise<T[]> {
  const collector = LiveCollector.start(what, source, options);
  try {
    return await collector.waitForEnd(deadlineMs);
  } finally {
    collector.abort();
  }
}

/**
 * Reads a query that completes, awaiting `onItem` after each item before pulling the next: a slow
 * consumer that writes meanwhile. Rejects when the query does not complete in time.
 */
export async function readEach<T>(
  what: string,
  source: (signal: AbortSignal) => AsyncIterable<T>,
  onItem: (item: T, index: number) => Promise<void>,
  deadlineMs: number,
): Promise<T[]> {
  const controller = new AbortController();
  const items: T[] = [];
  const read = async () => {
    for await (const item of source(controller.signal)) {
      items.push(item);
      await onItem(item, items.length - 1);
    }
  };
  try {
    await within(read(), deadlineMs, what, () => `got ${items.length} item(s)`);
  } finally {
    controller.abort();
  }
  return items;
}
