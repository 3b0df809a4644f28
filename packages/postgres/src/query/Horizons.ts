import type { Tables } from '../database/index.js';

/**
 * The reader's horizon H: every journal event with `tx_id < H` is committed (or was rolled back)
 * for good, so a reader that reads only below H, in a later statement, never skips one.
 *
 * One statement, one snapshot: `next` = `pg_snapshot_xmax(pg_current_snapshot())` (the snapshot
 * of the statement, taken before anything in it runs); W = the transaction ids of the backends
 * that hold the journal's write lock (`Tables.journalLock`), from `pg_locks` read once, each
 * backend's own id being its granted `transactionid` ExclusiveLock, and also its `backend_xid`;
 * H = min(W ∪ {next}).
 *
 * Why nothing below H can still commit: a journal transaction takes the lock before it has an id
 * (`journalLockFilter`). If its id x is below `next`, x was assigned before the snapshot, so it
 * held the lock since before the snapshot, for as long as it is in flight. If the statement still
 * finds it holding the lock, its id is in W (the lock table shows it, or, in the instant between
 * its id being assigned and its id lock being inserted, `backend_xid` does), and H <= x. If not, it
 * had ended already: PostgreSQL releases locks only after the end of the transaction is visible to
 * new snapshots, so the reader's next statement sees its rows committed, or none.
 *
 * Transactions that never take the lock (everything that does not write this journal) are not in
 * W: a bulk import into another table, or a session idle in a transaction, holds nobody back.
 * Each 32-bit id is widened to 64 bits with the epoch of `next`, taking the nearest value (a lock
 * holder's id can be a little above `next`).
 */
export function horizonQuery(t: Tables): string {
  return `${journalWriterXids(t)}
    SELECT least(s.next, min(${widenedXid('x.xid', 's.next')}))::text
    FROM s LEFT JOIN xids x ON true
    GROUP BY s.next`;
}

/**
 * A change marker for idle live queries: the journal's ordering sequence (moves when a journal
 * transaction takes its first ordering, before it commits) and the oldest journal transaction still
 * running (moves when it ends: a commit, or a rollback that releases a held-back horizon). Whenever
 * `readEvents` could return more, one of the two has moved; unlike the horizon, commits elsewhere
 * in the database move neither, so they wake no idle query.
 */
export function changeMarkerQuery(t: Tables): string {
  const sequence = `pg_get_serial_sequence('${t.journal.replaceAll("'", "''")}', 'ordering')::regclass`;
  return `${journalWriterXids(t)}
    SELECT coalesce(pg_sequence_last_value(${sequence}), 0)::text || ':' || coalesce(min(${widenedXid('x.xid', 's.next')})::text, '-')
    FROM s LEFT JOIN xids x ON true
    GROUP BY s.next`;
}

/** `s` (the snapshot's next xid) and `xids` (the 32-bit ids of the journal's lock holders), as CTEs. */
function journalWriterXids(t: Tables): string {
  const [k1, k2] = t.journalLock;
  return `WITH s AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next),
    locks AS MATERIALIZED (
      SELECT locktype, database, classid, objid, objsubid, virtualtransaction, pid, mode, granted, transactionid
      FROM pg_locks
    ),
    holders AS (
      SELECT virtualtransaction, pid FROM locks
      WHERE locktype = 'advisory' AND granted AND classid = ${k1}::oid AND objid = ${k2}::oid AND objsubid = 2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    ),
    xids AS (
      SELECT l.transactionid::text::bigint AS xid FROM locks l JOIN holders h USING (virtualtransaction)
      WHERE l.locktype = 'transactionid' AND l.mode = 'ExclusiveLock' AND l.granted
      UNION ALL
      SELECT a.backend_xid::text::bigint FROM pg_stat_get_activity(NULL) a JOIN holders h ON a.pid = h.pid
      WHERE a.backend_xid IS NOT NULL
    )`;
}

/**
 * SQL: the 64-bit transaction id of the 32-bit `xid` (a bigint expression from 0 to 2^32 - 1),
 * taken as the value nearest the 64-bit `next`: `next` plus the signed 32-bit distance from
 * `next` to `xid`. Running transactions are never 2^31 ids away (PostgreSQL stops first).
 */
export function widenedXid(xid: string, next: string): string {
  return `(${next} + ((${xid} - ${next} % 4294967296 + 2147483648) % 4294967296 + 4294967296) % 4294967296 - 2147483648)`;
}

/**
 * The horizons of one reader: the highest one computed so far (a horizon stays valid forever:
 * nothing new can appear below it), and fresh ones on demand.
 *
 * `fresh()` resolves with a horizon computed by a statement that started after the call: a page
 * that comes back short must have been read below such a one, else an event committed just
 * before a live query took its mark could wait for the next poll. Callers that arrive while a
 * computation runs share the next one, so fifty live queries woken at once read `pg_locks` once
 * or twice, not fifty times.
 */
export class Horizons {
  private known = 0n;
  private running: Promise<bigint> | undefined;
  private queued: Promise<bigint> | undefined;

  constructor(private readonly compute: () => Promise<bigint>) {}

  /** The highest horizon computed so far (0 before the first). */
  get latest(): bigint {
    return this.known;
  }

  fresh(): Promise<bigint> {
    if (this.queued !== undefined) return this.queued;
    const running = this.running;
    if (running === undefined) return this.start();
    this.queued = running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.queued;
  }

  private start(): Promise<bigint> {
    const run = this.compute().then((horizon) => {
      if (horizon > this.known) this.known = horizon;
      return this.known;
    });
    this.running = run;
    // From now on a caller needs a computation that starts after this one.
    this.queued = undefined;
    const done = (): void => {
      if (this.running === run) this.running = undefined;
    };
    run.then(done, done);
    return run;
  }
}
