import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { tablesFor } from '../database/index.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { horizonQuery, widenedXid } from './Horizons.js';

const db = await postgresForTests('horizon_query');

describe.skipIf(!db.available)('the horizon statement', () => {
  const tables = tablesFor(db.schema);
  const other = tablesFor(db.schema, 'other_');
  const [k1, k2] = tables.journalLock;
  // A session per transaction the test holds open, and one for the queries.
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  const sessions: pg.PoolClient[] = [];
  afterAll(async () => {
    for (const session of sessions) {
      await session.query('ROLLBACK').catch(() => {});
      session.release(true);
    }
    await pool.end();
  });

  const horizon = async (): Promise<bigint> => {
    const { rows } = await pool.query<[string]>({ text: horizonQuery(tables), rowMode: 'array' });
    return BigInt(rows[0]?.[0] ?? '-1');
  };
  const xmax = async (): Promise<bigint> => {
    const { rows } = await pool.query<{ x: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x');
    return BigInt(rows[0]?.x ?? '0');
  };
  /** A session inside a transaction, kept until the test file ends (or ended by the test). */
  const session = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect();
    sessions.push(client);
    await client.query('BEGIN');
    return client;
  };
  const xidOf = async (client: pg.PoolClient): Promise<bigint> => {
    const { rows } = await client.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x');
    return BigInt(rows[0]?.x ?? '0');
  };

  it.each([
    ['an id of the same epoch', 3n * 2n ** 32n + 100n, 90n, 3n * 2n ** 32n + 90n],
    ['the id of next itself', 3n * 2n ** 32n + 100n, 100n, 3n * 2n ** 32n + 100n],
    ['an id of the epoch before', 3n * 2n ** 32n + 5n, 2n ** 32n - 6n, 3n * 2n ** 32n - 6n],
    ['an id a little above next', 3n * 2n ** 32n + 100n, 110n, 3n * 2n ** 32n + 110n],
    ['an id above next, across the wrap', 3n * 2n ** 32n + 2n ** 32n - 6n, 3n, 4n * 2n ** 32n + 3n],
    ['the first epoch', 500n, 3n, 3n],
  ])('widens %s to 64 bits', async (_, next, xid, expected) => {
    const { rows } = await pool.query<{ w: string }>(`SELECT ${widenedXid('$1::bigint', '$2::bigint')}::text AS w`, [xid.toString(), next.toString()]);
    expect(BigInt(rows[0]?.w ?? '-1')).toBe(expected);
  });

  it('is the snapshot xmax when no journal transaction is in flight', async () => {
    const before = await xmax();
    const value = await horizon();
    const after = await xmax();
    expect(value).toBeGreaterThanOrEqual(before);
    expect(value).toBeLessThanOrEqual(after);
  });

  it('is the id of the oldest transaction that holds the write lock with an id, and only of those', async () => {
    // Another journal's writer, and a transaction with an id that holds no lock: neither counts.
    const stranger = await session();
    await stranger.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [...other.journalLock]);
    await stranger.query(`CREATE TEMP TABLE stranger_rows (n int)`);
    const bystander = await session();
    await bystander.query(`CREATE TEMP TABLE bystander_rows (n int)`);
    // A writer between taking the lock and having an id: its id will be above the horizon.
    const starting = await session();
    await starting.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [k1, k2]);
    const strangerId = await xidOf(stranger);
    // A later transaction ends, so the snapshot's xmax is above both ids in flight.
    await pool.query('SELECT pg_current_xact_id()');
    expect(await horizon()).toBeGreaterThan(strangerId);
    expect(await horizon()).toBeGreaterThan(await xidOf(bystander));

    const older = await session();
    await older.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [k1, k2]);
    const olderId = await xidOf(older);
    const younger = await session();
    await younger.query('SELECT pg_advisory_xact_lock_shared($1, $2)', [k1, k2]);
    const youngerId = await xidOf(younger);
    expect(youngerId).toBeGreaterThan(olderId);
    expect(await horizon()).toBe(olderId);
    // The one that took the lock first gets its id last: the horizon follows the ids.
    const startingId = await xidOf(starting);
    expect(startingId).toBeGreaterThan(youngerId);
    expect(await horizon()).toBe(olderId);
    await older.query('COMMIT');
    expect(await horizon()).toBe(youngerId);
    await younger.query('ROLLBACK');
    expect(await horizon()).toBe(startingId);
    await starting.query('ROLLBACK');
    expect(await horizon()).toBeGreaterThan(startingId);
  });
});
