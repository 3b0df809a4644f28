import { OffsetConflict } from '@engram/core/spi';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresOffsetStore } from './PostgresOffsetStore.js';

const db = await postgresForTests('offsets');

describe.skipIf(!db.available)('PostgresOffsetStore', () => {
  const options = { connectionString: db.url, schema: db.schema, poolSize: 2 };
  const store = new PostgresOffsetStore(options);
  // A second process running the same projection by mistake.
  const other = new PostgresOffsetStore(options);
  const model = `"${db.schema}".account_summary`;
  afterAll(async () => {
    await store.close();
    await other.close();
  });
  let counter = 0;
  const fresh = (key = '') => ({ name: `summary-${++counter}`, key });
  const summaries = async (): Promise<string[]> => {
    const { rows } = await db.admin().query<{ id: string }>(`SELECT id FROM ${model} ORDER BY id`);
    return rows.map((row) => row.id);
  };

  it('keeps nothing for a projection it never saw', async () => {
    expect(await store.readProjection(fresh())).toEqual({ offset: undefined, paused: false });
  });

  it('moves an offset only from the one it expects, naming both on a conflict', async () => {
    const id = fresh('tag-a');
    await store.saveOffset(id, undefined, 'postgres:5.1');
    expect(await store.readProjection(id)).toEqual({ offset: 'postgres:5.1', paused: false });
    await expect(store.saveOffset(id, undefined, 'postgres:6.1')).rejects.toThrow(OffsetConflict);
    await store.saveOffset(id, 'postgres:5.1', 'postgres:6.2');
    const conflict = await store.saveOffset(id, 'postgres:5.1', 'postgres:7.1').catch((error: unknown) => error);
    expect(conflict).toMatchObject({
      name: 'OffsetConflict',
      projection: `${id.name}/tag-a`,
      expected: 'postgres:5.1',
      found: 'postgres:6.2',
    });
    expect(await store.readProjection(id)).toEqual({ offset: 'postgres:6.2', paused: false });
    // Clearing is a compare-and-set too.
    await store.saveOffset(id, 'postgres:6.2', undefined);
    expect(await store.readProjection(id)).toEqual({ offset: undefined, paused: false });
    await store.saveOffset(id, undefined, 'postgres:8.1');
    expect((await other.readProjection(id)).offset).toBe('postgres:8.1');
  });

  it('keeps the paused flag apart from the offset', async () => {
    const id = fresh();
    await store.savePaused(id, true);
    expect(await store.readProjection(id)).toEqual({ offset: undefined, paused: true });
    await store.saveOffset(id, undefined, 'postgres:1.1');
    expect(await store.readProjection(id)).toEqual({ offset: 'postgres:1.1', paused: true });
    await store.savePaused(id, false);
    expect(await store.readProjection(id)).toEqual({ offset: 'postgres:1.1', paused: false });
  });

  it('lets only one of two instances advance from the same offset', async () => {
    const id = fresh();
    await store.saveOffset(id, undefined, 'postgres:1.1');
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).saveOffset(id, 'postgres:1.1', `postgres:2.${i}`)),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(OffsetConflict);
    // Also for the very first offset, where nothing is stored yet.
    const first = fresh();
    const firsts = await Promise.allSettled([store, other, store, other].map((s, i) => s.saveOffset(first, undefined, `postgres:1.${i}`)));
    expect(firsts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
  });

  describe('inTransaction', () => {
    it('commits the handler’s writes and the offset together', async () => {
      await db.admin().query(`CREATE TABLE IF NOT EXISTS ${model} (id text PRIMARY KEY, total integer NOT NULL)`);
      const id = fresh();
      const result = await store.inTransaction(id, undefined, 'postgres:3.1', async (client) => {
        await client.query(`INSERT INTO ${model} VALUES ('committed', 10)`);
        return 'handled';
      });
      expect(result).toBe('handled');
      expect(await summaries()).toContain('committed');
      expect(await store.readProjection(id)).toEqual({ offset: 'postgres:3.1', paused: false });
    });

    it('rolls the handler’s writes back when the offset moved meanwhile', async () => {
      const id = fresh();
      await other.saveOffset(id, undefined, 'postgres:4.1');
      const failure = await store
        .inTransaction(id, undefined, 'postgres:4.2', async (client) => {
          await client.query(`INSERT INTO ${model} VALUES ('lost-race', 1)`);
        })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'OffsetConflict', expected: undefined, found: 'postgres:4.1' });
      expect(await summaries()).not.toContain('lost-race');
      expect((await store.readProjection(id)).offset).toBe('postgres:4.1');
    });

    it('rethrows what the handler throws, as it is, and stores nothing of it', async () => {
      const id = fresh();
      const bug = new Error('handler bug');
      await expect(
        store.inTransaction(id, undefined, 'postgres:5.1', async (client) => {
          await client.query(`INSERT INTO ${model} VALUES ('failed-handler', 1)`);
          throw bug;
        }),
      ).rejects.toBe(bug);
      const sqlError = await store
        .inTransaction(id, undefined, 'postgres:5.1', (client) => client.query('SELECT * FROM no_such_table'))
        .catch((error: unknown) => error);
      expect(sqlError).toMatchObject({ code: '42P01' });
      expect((sqlError as Error).name).not.toBe('PostgresStoreError');
      expect(await summaries()).not.toContain('failed-handler');
      expect(await store.readProjection(id)).toEqual({ offset: undefined, paused: false });
    });

    it('returns every connection: many failed transactions on a pool of two leave it usable', async () => {
      for (let i = 0; i < 6; i++) {
        await expect(
          store.inTransaction(fresh(), undefined, 'postgres:1.1', () => {
            throw new Error(`failure ${i}`);
          }),
        ).rejects.toThrow(`failure ${i}`);
      }
      // A handler that kills its own connection: the rollback fails too, and the client is destroyed.
      await expect(
        store.inTransaction(fresh(), undefined, 'postgres:1.1', (client) => client.query('SELECT pg_terminate_backend(pg_backend_pid())')),
      ).rejects.toThrow();
      const id = fresh();
      await store.inTransaction(id, undefined, 'postgres:9.9', async () => 'ok');
      expect((await store.readProjection(id)).offset).toBe('postgres:9.9');
    });
  });

  it('refuses a malformed projection id or offset, naming it', async () => {
    await expect(store.readProjection({ name: '', key: '' })).rejects.toThrow(/projection name/);
    await expect(store.saveOffset({ name: 'x', key: 1 as unknown as string }, undefined, 'a')).rejects.toThrow(/projection key/);
    await expect(store.saveOffset(fresh(), '', 'a')).rejects.toThrow(/expected offset/);
    await expect(store.savePaused(fresh(), 'yes' as unknown as boolean)).rejects.toThrow(/paused/);
  });
});
