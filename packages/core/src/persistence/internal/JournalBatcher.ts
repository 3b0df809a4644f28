import type { AtomicWrite } from '../../spi/PersistentRepr.js';
import type { Journal } from '../../spi/Journal.js';
import { isSequenceConflict } from '../../spi/errors.js';
import { JournalContractViolation } from '../errors.js';

/** What became of one AtomicWrite: stored, rejected (the writer goes on), or failed (it stops). */
export type WriteOutcome =
  | { readonly kind: 'stored' }
  | { readonly kind: 'rejected'; readonly error: Error }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * The writes of one incarnation of a persistent actor. Once one of them fails, every write of the
 * session still queued, and every later one, fails too and is never sent: the journal must not
 * hold seq 2 of a writer that believes seq 1 failed.
 */
export class WriteSession {
  failure: { readonly error: unknown } | undefined;
  /** Writes of the session queued or in flight. */
  unsettled = 0;
  private settledWaiters: (() => void)[] | undefined;

  /** Resolves once no write of the session is queued or in flight. */
  whenSettled(): Promise<void> {
    if (this.unsettled === 0) return Promise.resolve();
    return new Promise((resolve) => (this.settledWaiters ??= []).push(resolve));
  }

  /** Called by the batcher as each write gets its outcome. */
  settledOne(): void {
    if (--this.unsettled > 0 || this.settledWaiters === undefined) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = undefined;
    for (const resolve of waiters) resolve();
  }
}

interface Pending {
  readonly write: AtomicWrite;
  readonly session: WriteSession;
  readonly done: (outcome: WriteOutcome) => void;
}

const stored: WriteOutcome = { kind: 'stored' };

/** Fewest persistenceIds worth a call of their own when a turn is spread over several journal calls. */
const minIdsPerCall = 100;

/** How long flushes may follow each other without the event loop getting a turn. */
const flushSliceMs = 10;

/**
 * Group commit. Writes submitted by the actors of one dispatcher drain go to the journal together
 * in one `writeMessages` call as soon as the drain has run every ready actor (`atDrainEnd`), and
 * writes submitted outside a drain at the next setImmediate; writes submitted while every call slot
 * is busy form the next batch. So a lone writer's event goes out at once (no wait for a turn of the
 * event loop), and under load batches grow with the calls in flight. A store that answers without
 * I/O (SQLite) could keep a persist-reply-command loop in microtasks for ever: after `flushSliceMs`
 * without a turn of the event loop, the next flush waits for setImmediate. When the
 * journal takes several calls at once (a connection pool), a turn with many ids is spread over the
 * free slots by id, at least `minIdsPerCall` ids per call. A persistenceId is in at most one call at
 * a time and its writes keep their order, so all its queued writes go together: splitting them
 * would only make them wait for each other.
 */
export class JournalBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly inFlightBatches = new Set<readonly Pending[]>();
  /** Sessions of ended incarnations whose writes have not all settled, by persistenceId. */
  private readonly retired = new Map<string, WriteSession>();
  private readonly busyIds = new Set<string>();
  private flushScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private closedWith: Error | undefined;
  /** Resolves when the queue empties; tracked, so a system with queued writes is never idle. */
  private queueEmptied: (() => void) | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly maxBatch: number,
    private readonly maxConcurrent: number,
    private readonly track: <V>(work: Promise<V>) => Promise<V>,
    /** Called after each call that stored something, before the writers hear of it (wakes live queries). */
    private readonly onStored: () => void = () => {},
    /** Runs the flush at the end of the running dispatcher drain; false when none runs. */
    private readonly atDrainEnd: (flush: () => void) => boolean = () => false,
  ) {}

  /** When the flushes that ran without a turn of the event loop began (undefined: a turn came since). */
  private burstStart: number | undefined;
  private readonly endBurst = (): void => {
    this.burstStart = undefined;
  };

  submit(write: AtomicWrite, session: WriteSession, done: (outcome: WriteOutcome) => void): void {
    const refusal = this.closedWith ?? session.failure?.error;
    if (refusal !== undefined) {
      done({ kind: 'failed', error: refusal });
      return;
    }
    if (this.queue.length === 0 && this.queueEmptied === undefined) {
      void this.track(new Promise<void>((resolve) => (this.queueEmptied = resolve)));
    }
    session.unsettled++;
    this.queue.push({ write, session, done });
    this.scheduleFlush();
  }

  /**
   * The incarnation that owns `session` ended. Until its writes settle, `whenSettled` of its
   * persistenceId waits for them (one live writer per id, so only ended incarnations can have any).
   */
  retire(persistenceId: string, session: WriteSession): void {
    if (session.unsettled === 0) return;
    this.retired.set(persistenceId, session);
    void session.whenSettled().then(() => {
      if (this.retired.get(persistenceId) === session) this.retired.delete(persistenceId);
    });
  }

  /**
   * The incarnation that owns `session` failed and restarts: its writes not sent yet fail with
   * `error` and are never sent (as in Akka, where they were still in the actor's batch); the ones
   * in flight land, and recovery waits for them.
   */
  abandon(session: WriteSession, error: Error): void {
    if (this.markFailed(session, error)) this.failQueued(new Set([session]));
  }

  /** Records the first failure of `session`; false if it had failed already. */
  private markFailed(session: WriteSession, error: unknown): boolean {
    if (session.failure !== undefined) return false;
    session.failure = { error };
    return true;
  }

  /** Resolves once no write of an ended incarnation of `persistenceId` is queued or in flight. */
  whenSettled(persistenceId: string): Promise<void> {
    return this.retired.get(persistenceId)?.whenSettled() ?? Promise.resolve();
  }

  /** Writes queued or in flight, per persistenceId (what a shutdown past its deadline reports). */
  unsettledWrites(): ReadonlyMap<string, number> {
    const counts = new Map<string, number>();
    for (const batch of [this.queue, ...this.inFlightBatches]) {
      for (const { write } of batch) counts.set(write.persistenceId, (counts.get(write.persistenceId) ?? 0) + 1);
    }
    return counts;
  }

  /** Resolves when every submitted write has its outcome. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes submitted from now on fail with `error` (the journal is closing). */
  close(error: Error): void {
    this.closedWith = error;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight >= this.maxConcurrent || this.queue.length === 0) return;
    this.flushScheduled = true;
    if (this.withinBurst() && this.atDrainEnd(this.flush)) return;
    setImmediate(this.flush);
  }

  /** Whether a flush may still skip the wait for a turn of the event loop. */
  private withinBurst(): boolean {
    const now = performance.now();
    if (this.burstStart === undefined) {
      this.burstStart = now;
      setImmediate(this.endBurst);
      return true;
    }
    return now - this.burstStart < flushSliceMs;
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    while (this.inFlight < this.maxConcurrent && this.queue.length > 0) {
      const free = this.maxConcurrent - this.inFlight;
      const idLimit = free === 1 ? Infinity : Math.max(minIdsPerCall, Math.ceil(this.readyIds() / free));
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const ids = new Set<string>();
      const waiting = new Set<string>();
      for (const pending of this.queue) {
        const id = pending.write.persistenceId;
        // Once an id's write waits, its later writes wait too, so per-id order holds.
        const fits = ids.has(id) || ids.size < idLimit;
        if (batch.length >= this.maxBatch || !fits || this.busyIds.has(id) || waiting.has(id)) {
          rest.push(pending);
          waiting.add(id);
        } else {
          batch.push(pending);
          ids.add(id);
        }
      }
      this.queue = rest;
      if (batch.length === 0) break;
      this.send(batch, ids);
    }
    if (this.queue.length === 0) {
      this.queueEmptied?.();
      this.queueEmptied = undefined;
    }
  };

  /** Fails, without sending them, the queued writes of sessions that saw a write fail. */
  private failQueued(sessions: Set<WriteSession>): void {
    const kept: Pending[] = [];
    const failed: Pending[] = [];
    for (const pending of this.queue) (sessions.has(pending.session) ? failed : kept).push(pending);
    if (failed.length === 0) return;
    this.queue = kept;
    for (const pending of failed) this.finish(pending, { kind: 'failed', error: pending.session.failure!.error });
    if (this.queue.length === 0) {
      this.queueEmptied?.();
      this.queueEmptied = undefined;
    }
  }

  private finish(pending: Pending, outcome: WriteOutcome): void {
    pending.session.settledOne();
    pending.done(outcome);
  }

  /** How many distinct ids of the queue could go into a call now. */
  private readyIds(): number {
    const ready = new Set<string>();
    for (const pending of this.queue) {
      const id = pending.write.persistenceId;
      if (!this.busyIds.has(id)) ready.add(id);
    }
    return ready.size;
  }

  private send(batch: Pending[], ids: Set<string>): void {
    this.inFlight++;
    this.inFlightBatches.add(batch);
    for (const id of ids) this.busyIds.add(id);
    let call: Promise<readonly (Error | undefined)[]>;
    try {
      call = this.journal.writeMessages(batch.map((p) => p.write));
    } catch (error) {
      call = Promise.reject(error);
    }
    this.track(call).then(
      (results) => {
        if (results.length !== batch.length) {
          const error = new JournalContractViolation(`writeMessages returned ${results.length} results for ${batch.length} writes`);
          return this.settle(batch, ids, () => ({ kind: 'failed', error }));
        }
        if (results.some((result) => result === undefined)) this.onStored();
        this.settle(batch, ids, (i) => {
          const error = results[i];
          if (error === undefined) return stored;
          // Another writer owns the id: this writer's state is stale, so it must stop.
          return isSequenceConflict(error) ? { kind: 'failed', error } : { kind: 'rejected', error };
        });
      },
      (error: unknown) => this.settle(batch, ids, () => ({ kind: 'failed', error })),
    );
  }

  private settle(batch: Pending[], ids: Set<string>, outcomeOf: (index: number) => WriteOutcome): void {
    this.inFlight--;
    this.inFlightBatches.delete(batch);
    for (const id of ids) this.busyIds.delete(id);
    let failedSessions: Set<WriteSession> | undefined;
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i]!;
      const outcome = outcomeOf(i);
      if (outcome.kind === 'failed' && this.markFailed(pending.session, outcome.error)) {
        (failedSessions ??= new Set()).add(pending.session);
      }
      this.finish(pending, outcome);
    }
    if (failedSessions !== undefined) this.failQueued(failedSessions);
    this.scheduleFlush();
    if (this.queue.length === 0 && this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
