/** A NOTIFY that keeps failing is reported at most this often. */
const warningIntervalMs = 60_000;
/**
 * The least time from one NOTIFY to the next. One-event writes in a row come about as fast as
 * NOTIFY round trips, so a NOTIFY after each took a large share of the machine's work from the
 * writes (measured in packages/postgres/README.md); spaced, a reader under that load is woken a
 * few ms later instead.
 */
export const defaultNotifySpacingMs = 5;

export interface JournalNotifierOptions {
  /** Least time between two NOTIFYs, in ms. Default `defaultNotifySpacingMs`. */
  readonly spacingMs?: number;
  readonly warn?: (message: string, error: unknown) => void;
  /** The clock and the timer, for tests. */
  readonly now?: () => number;
  readonly schedule?: (ms: number, run: () => void) => () => void;
}

const realTimer = (ms: number, run: () => void): (() => void) => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Tells read journals in other processes that events were committed: the journal's `send`
 * (`SELECT pg_notify(channel, '')` on a connection of its pool) after a write, outside the
 * write's transaction, so the notification never delays nor fails a write. Coalesced: at most one
 * NOTIFY in flight, at most one per `spacingMs`; writes that complete meanwhile cause exactly one
 * more after it. A listener only needs to know that something changed; it reads the events itself.
 */
export class JournalNotifier {
  private readonly spacingMs: number;
  private readonly warn: (message: string, error: unknown) => void;
  private readonly now: () => number;
  private readonly schedule: (ms: number, run: () => void) => () => void;
  private inFlight: Promise<void> | undefined;
  private cancelWait: (() => void) | undefined;
  private pending = false;
  private closed = false;
  private lastSent = -Infinity;
  private lastWarning = -Infinity;

  constructor(
    private readonly send: () => Promise<unknown>,
    options: JournalNotifierOptions = {},
  ) {
    this.spacingMs = options.spacingMs ?? defaultNotifySpacingMs;
    this.warn = options.warn ?? ((message, error) => console.warn(message, error));
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? realTimer;
  }

  /** Events were stored: notify, now or after the NOTIFY in flight (or the spacing) is over. */
  written(): void {
    if (this.closed) return;
    if (this.inFlight !== undefined || this.cancelWait !== undefined) {
      this.pending = true;
      return;
    }
    this.next();
  }

  /** Sends nothing more; resolves once the NOTIFY in flight (if any) is done. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelWait?.();
    this.cancelWait = undefined;
    await this.inFlight;
  }

  /** Sends now, or once `spacingMs` have passed since the last one. */
  private next(): void {
    const wait = this.lastSent + this.spacingMs - this.now();
    if (wait <= 0) {
      this.inFlight = this.run();
      return;
    }
    this.cancelWait = this.schedule(wait, () => {
      this.cancelWait = undefined;
      if (!this.closed) this.inFlight = this.run();
    });
  }

  private async run(): Promise<void> {
    this.pending = false;
    this.lastSent = this.now();
    try {
      await this.send();
    } catch (error) {
      // Readers still find the events by polling.
      const now = this.now();
      if (now - this.lastWarning >= warningIntervalMs) {
        this.lastWarning = now;
        this.warn('engram PostgresJournal: NOTIFY after a write failed; read journals elsewhere find the events by polling', error);
      }
    }
    this.inFlight = undefined;
    if (this.pending && !this.closed) this.next();
  }
}
