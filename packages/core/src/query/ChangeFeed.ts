import type { Cancellable, Scheduler } from '../actor/Scheduler.js';
import type { JournalReader } from '../spi/JournalReader.js';

/** What a live query saw before it read a page that came back short. */
export interface FeedMark {
  readonly generation: number;
  readonly marker: string | undefined;
}

interface Waiter {
  readonly mark: FeedMark;
  readonly wake: () => void;
}

/**
 * Wakes the live queries of one read journal when the journal may hold more for them. Every idle
 * query waits here, so 50 idle projections cost the store what one does: while anyone waits, one
 * timer checks the reader's cheap change marker every `pollIntervalMs`; a local write
 * (`notify`) or the store's push notification (`JournalReader.subscribe`, e.g. PostgreSQL
 * LISTEN/NOTIFY) wakes them at once.
 *
 * A query takes a `mark()` *before* reading a page, and waits with it only if the page came back
 * short: any commit after the mark changes the generation (a notification) or the marker (the
 * poll), so nothing committed after the page was read can be slept through.
 */
export class ChangeFeed {
  private generation = 0;
  private marker: string | undefined;
  private readonly waiters = new Set<Waiter>();
  private timer: Cancellable | undefined;
  private polling = false;
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly reader: JournalReader<unknown>,
    private readonly scheduler: Scheduler,
    private readonly pollIntervalMs: number,
    private readonly onPollError: (error: unknown) => void,
  ) {}

  mark(): FeedMark {
    return { generation: this.generation, marker: this.marker };
  }

  /** Something may have been committed: wake every waiter. */
  notify(): void {
    this.generation++;
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiting) waiter.wake();
    this.stopPollingIfIdle();
  }

  /**
   * Resolves when something may have changed since `mark`, or when `signal` aborts or the feed
   * closes (the caller checks which).
   */
  waitForChange(mark: FeedMark, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted === true || this.changedSince(mark)) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters.delete(waiter);
        this.stopPollingIfIdle();
        resolve();
      };
      const waiter: Waiter = {
        mark,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      this.startWatching();
    });
  }

  close(): void {
    this.closed = true;
    this.notify();
    this.timer?.cancel();
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private changedSince(mark: FeedMark): boolean {
    return mark.generation !== this.generation || mark.marker !== this.marker;
  }

  private startWatching(): void {
    if (this.unsubscribe === undefined && this.reader.subscribe !== undefined) {
      this.unsubscribe = this.reader.subscribe(() => this.notify());
    }
    if (this.timer === undefined && !this.polling) this.schedulePoll();
  }

  private schedulePoll(): void {
    this.timer = this.scheduler.schedule(this.pollIntervalMs, () => {
      this.timer = undefined;
      void this.poll();
    });
  }

  private async poll(): Promise<void> {
    if (this.closed || this.waiters.size === 0) return;
    this.polling = true;
    try {
      this.marker = await this.reader.readChangeMarker();
    } catch (error) {
      this.onPollError(error);
    } finally {
      this.polling = false;
    }
    if (this.closed) return;
    const woken = [...this.waiters].filter((waiter) => this.changedSince(waiter.mark));
    for (const waiter of woken) {
      this.waiters.delete(waiter);
      waiter.wake();
    }
    if (this.waiters.size > 0 && this.timer === undefined) this.schedulePoll();
  }

  private stopPollingIfIdle(): void {
    if (this.waiters.size > 0) return;
    this.timer?.cancel();
    this.timer = undefined;
  }
}
