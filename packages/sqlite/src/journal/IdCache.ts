/**
 * persistenceId -> stream id (or tag -> tag id). Ids created by a write transaction count only
 * once it commits: a rolled-back transaction must not leave ids behind that the database never
 * stored. Rows of `streams` and `tags` are
 * never deleted, so a committed id stays right for every connection. Bounded: when full it starts
 * over, which costs one indexed read per id.
 */
export class IdCache {
  readonly #committed = new Map<string, number>();
  readonly #pending = new Map<string, number>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(key: string): number | undefined {
    return this.#committed.get(key) ?? this.#pending.get(key);
  }

  /** The id was read from data committed before the current transaction. */
  remember(key: string, id: number): void {
    if (this.#committed.size >= this.#maxEntries) this.#committed.clear();
    this.#committed.set(key, id);
  }

  /** The current write transaction created the id: it counts once `commit` is called. */
  rememberPending(key: string, id: number): void {
    this.#pending.set(key, id);
  }

  commit(): void {
    if (this.#pending.size === 0) return;
    for (const [key, id] of this.#pending) this.remember(key, id);
    this.#pending.clear();
  }

  rollback(): void {
    this.#pending.clear();
  }
}

/**
 * id -> name of rows that are never changed or deleted once committed (writers, manifests), read
 * on a miss. Bounded: when full it starts over.
 */
export class NameCache {
  readonly #names = new Map<number, string>();

  constructor(
    /** Reads the name of an id, or throws if the row is missing. */
    private readonly read: (id: number) => string,
    private readonly maxEntries: number,
  ) {}

  get(id: number): string {
    const cached = this.#names.get(id);
    if (cached !== undefined) return cached;
    const name = this.read(id);
    if (this.#names.size >= this.maxEntries) this.#names.clear();
    this.#names.set(id, name);
    return name;
  }
}
