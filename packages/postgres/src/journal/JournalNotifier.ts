/** A NOTIFY that keeps failing is reported at most this often. */
const warningIntervalMs = 60_000;

/**
 * Tells read journals in other processes that events were committed: the journal's `send`
 * (`SELECT pg_notify(channel, '')` on a connection of its pool) after a write, outside the
 * write's transaction, so the notification never delays nor fails a write. Coalesced: at most one
 * NOTIFY in flight; writes that complete meanwhile cause exactly one more after it. A listener
 * only needs to know that something changed; it reads the events itself.
 */
export class JournalNotifier {
  private inFlight: Promise<void> | undefined;
  private pending = false;
  private closed = false;
  private lastWarning = -Infinity;

  constructor(
    private readonly send: () => Promise<unknown>,
    private readonly warn: (message: string, error: unknown) => void = (message, error) => console.warn(message, error),
    private readonly now: () => number = Date.now,
  ) {}

  /** Events were stored: notify, now or after the NOTIFY in flight. */
  written(): void {
    if (this.closed) return;
    if (this.inFlight !== undefined) {
      this.pending = true;
      return;
    }
    this.inFlight = this.run();
  }

  /** Sends nothing more; resolves once the NOTIFY in flight (if any) is done. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
  }

  private async run(): Promise<void> {
    do {
      this.pending = false;
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
    } while (this.pending && !this.closed);
    this.inFlight = undefined;
  }
}
