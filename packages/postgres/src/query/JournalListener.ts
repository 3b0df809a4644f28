import pg from 'pg';

/** Reconnect delays after a lost LISTEN connection: doubling from the first to the last. */
const firstRetryMs = 100;
const lastRetryMs = 10_000;
/** A LISTEN connection that keeps failing is reported at most this often. */
const warningIntervalMs = 60_000;

/**
 * One LISTEN connection per reader, whatever the number of live queries: it is opened when the
 * first subscriber arrives and closed when the last one leaves (or on `close()`). It calls every
 * subscriber when a journal NOTIFYs on the channel, and also each time the LISTEN is (re)established,
 * since notifications sent while it was not listening are lost.
 *
 * It is a connection of its own, made with the pool's settings, not one borrowed from the pool: a
 * pool of one connection would otherwise have none left for the reads. A lost connection is
 * reopened with growing delays; meanwhile the read journal's polling finds new events.
 */
export class JournalListener {
  private readonly subscribers = new Set<{ readonly onChange: () => void }>();
  private client: pg.Client | undefined;
  /** Bumped whenever the connection in use is given up: a late callback of an older one is ignored. */
  private epoch = 0;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private lastWarning = -Infinity;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly warn: (message: string, error: unknown) => void,
  ) {}

  subscribe(onChange: () => void): () => void {
    if (this.closed) return () => {};
    const subscriber = { onChange };
    this.subscribers.add(subscriber);
    if (this.subscribers.size === 1) this.open();
    return () => {
      if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0) return;
      this.stop();
    };
  }

  /** Whether a LISTEN connection is open or being opened (for tests). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  close(): void {
    this.closed = true;
    this.subscribers.clear();
    this.stop();
  }

  private open(): void {
    const epoch = ++this.epoch;
    const client = new pg.Client(this.pool.options);
    this.client = client;
    const lost = (error: unknown): void => {
      if (epoch !== this.epoch) return;
      // Once: ending it below reports 'end' too.
      this.epoch++;
      this.drop(client);
      this.failed(error);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('the LISTEN connection was closed')));
    client.on('notification', (message) => {
      if (epoch === this.epoch && message.channel === this.channel) this.changed();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.channel}"`))
      .then(
        () => {
          if (epoch !== this.epoch) return;
          this.failures = 0;
          // Commits between the subscriber's last read and now were not heard.
          this.changed();
        },
        (error: unknown) => lost(error),
      );
  }

  private failed(error: unknown): void {
    const delay = Math.min(lastRetryMs, firstRetryMs * 2 ** this.failures);
    this.failures++;
    const now = Date.now();
    if (now - this.lastWarning >= warningIntervalMs) {
      this.lastWarning = now;
      this.warn(`engram read journal: the LISTEN connection failed; reconnecting in ${delay} ms (polling meanwhile)`, error);
    }
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.closed && this.subscribers.size > 0 && this.client === undefined) this.open();
    }, delay);
    this.retry.unref();
  }

  private changed(): void {
    for (const subscriber of [...this.subscribers]) subscriber.onChange();
  }

  private stop(): void {
    this.epoch++;
    if (this.retry !== undefined) clearTimeout(this.retry);
    this.retry = undefined;
    this.failures = 0;
    const client = this.client;
    if (client !== undefined) this.drop(client);
  }

  private drop(client: pg.Client): void {
    if (this.client === client) this.client = undefined;
    client.removeAllListeners('notification');
    // Errors after this point belong to a connection nobody uses any more.
    client.on('error', () => {});
    client.end().catch(() => {});
  }
}
