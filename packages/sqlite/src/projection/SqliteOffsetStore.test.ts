import Database from 'better-sqlite3';
import { InvalidArgument, OffsetConflict, type ProjectionId } from '@engram/core/spi';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../database/index.js';
import { SqliteJournal } from '../journal/index.js';
import { atomic, tempDatabase } from '../testing/fixtures.test-support.js';
import { SqliteOffsetStore } from './SqliteOffsetStore.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const summary: ProjectionId = { name: 'account-summary', key: '' };
const sliced: ProjectionId = { name: 'account-summary', key: 'slice-1' };

function fresh() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  return db.path;
}

function storeOn(path: string): SqliteOffsetStore {
  const store = new SqliteOffsetStore({ path });
  cleanups.push(() => store.close());
  return store;
}

/** Another connection to the file, as a reader of the read model would have. */
function rawOn(path: string): Database.Database {
  const db = new Database(path);
  cleanups.push(() => void db.close());
  return db;
}

function withReadModel(path: string): Database.Database {
  const raw = rawOn(path);
  raw.exec('CREATE TABLE balances (account TEXT PRIMARY KEY, balance INTEGER NOT NULL)');
  return raw;
}

const balances = (raw: Database.Database) => raw.prepare('SELECT account, balance FROM balances ORDER BY account').all();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('SqliteOffsetStore', () => {
  it('stores nothing for a new projection, then each key its own offset, kept across reopening', async () => {
    const path = fresh();
    const store = storeOn(path);
    expect(await store.readProjection(summary)).toEqual({ offset: undefined, paused: false });
    await store.saveOffset(summary, undefined, 'sqlite:3');
    await store.saveOffset(sliced, undefined, 'sqlite:1');
    await store.saveOffset(summary, 'sqlite:3', 'sqlite:7');
    await store.close();
    const reopened = storeOn(path);
    expect(await reopened.readProjection(summary)).toEqual({ offset: 'sqlite:7', paused: false });
    expect(await reopened.readProjection(sliced)).toEqual({ offset: 'sqlite:1', paused: false });
    await reopened.saveOffset(summary, 'sqlite:7', undefined);
    expect(await reopened.readProjection(summary)).toEqual({ offset: undefined, paused: false });
  });

  it('refuses a write whose expected offset is not the stored one with OffsetConflict, changing nothing', async () => {
    const path = fresh();
    const first = storeOn(path);
    const second = storeOn(path);
    await first.saveOffset(summary, undefined, 'sqlite:5');
    // the second instance read the projection before the first advanced it
    const conflict = await rejection(second.saveOffset(summary, undefined, 'sqlite:4'));
    expect(conflict).toBeInstanceOf(OffsetConflict);
    expect(conflict).toMatchObject({ projection: 'account-summary/', expected: undefined, found: 'sqlite:5' });
    expect(String((conflict as Error).message)).toMatch(/projection account-summary\/: expected .* none but found sqlite:5/);
    await expect(second.saveOffset(summary, 'sqlite:4', 'sqlite:9')).rejects.toMatchObject({ expected: 'sqlite:4', found: 'sqlite:5' });
    await expect(first.saveOffset(sliced, 'sqlite:1', 'sqlite:2')).rejects.toMatchObject({
      projection: 'account-summary/slice-1',
      found: undefined,
    });
    expect(await first.readProjection(summary)).toEqual({ offset: 'sqlite:5', paused: false });
    expect(await first.readProjection(sliced)).toEqual({ offset: undefined, paused: false });
  });

  it('keeps the paused flag across restarts, apart from the offset', async () => {
    const path = fresh();
    const store = storeOn(path);
    await store.savePaused(summary, true);
    expect(await store.readProjection(summary)).toEqual({ offset: undefined, paused: true });
    await store.saveOffset(summary, undefined, 'sqlite:2');
    await store.close();
    const reopened = storeOn(path);
    expect(await reopened.readProjection(summary)).toEqual({ offset: 'sqlite:2', paused: true });
    await reopened.savePaused(summary, false);
    expect(await reopened.readProjection(summary)).toEqual({ offset: 'sqlite:2', paused: false });
  });

  it('inTransaction commits the handler writes and the offset together, and returns what the handler returned', async () => {
    const path = fresh();
    const raw = withReadModel(path);
    const store = storeOn(path);
    const result = await store.inTransaction(summary, undefined, 'sqlite:1', (tx) => {
      tx.prepare('INSERT INTO balances (account, balance) VALUES (?, ?)').run('a', 10);
      return 'handled';
    });
    expect(result).toBe('handled');
    expect(balances(raw)).toEqual([{ account: 'a', balance: 10 }]);
    expect(await store.readProjection(summary)).toEqual({ offset: 'sqlite:1', paused: false });
  });

  it('a throwing handler rolls back: its read model write is not there, the offset unchanged, its error rethrown', async () => {
    const path = fresh();
    const raw = withReadModel(path);
    const store = storeOn(path);
    await store.saveOffset(summary, undefined, 'sqlite:1');
    const failure = new RangeError('the handler failed');
    const thrown = await rejection(
      store.inTransaction(summary, 'sqlite:1', 'sqlite:2', (tx) => {
        tx.prepare('INSERT INTO balances (account, balance) VALUES (?, ?)').run('a', 10);
        throw failure;
      }),
    );
    expect(thrown).toBe(failure);
    expect(balances(raw)).toEqual([]);
    expect(await store.readProjection(summary)).toEqual({ offset: 'sqlite:1', paused: false });
  });

  it('a handler whose SQL fails rolls back its earlier writes and the driver error comes back unchanged', async () => {
    const path = fresh();
    const raw = withReadModel(path);
    const store = storeOn(path);
    const thrown = await rejection(
      store.inTransaction(summary, undefined, 'sqlite:1', (tx) => {
        tx.prepare('INSERT INTO balances (account, balance) VALUES (?, ?)').run('a', 10);
        tx.prepare('INSERT INTO balances (account, balance) VALUES (?, ?)').run('a', 20);
      }),
    );
    expect(thrown).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(balances(raw)).toEqual([]);
    expect(await store.readProjection(summary)).toEqual({ offset: undefined, paused: false });
  });

  it('a failed compare-and-set rolls back the handler writes', async () => {
    const path = fresh();
    const raw = withReadModel(path);
    const store = storeOn(path);
    const other = storeOn(path);
    await other.saveOffset(summary, undefined, 'sqlite:8');
    const thrown = await rejection(
      store.inTransaction(summary, undefined, 'sqlite:1', (tx) => {
        tx.prepare('INSERT INTO balances (account, balance) VALUES (?, ?)').run('a', 10);
      }),
    );
    expect(thrown).toBeInstanceOf(OffsetConflict);
    expect(thrown).toMatchObject({ projection: 'account-summary/', expected: undefined, found: 'sqlite:8' });
    expect(balances(raw)).toEqual([]);
    expect(await store.readProjection(summary)).toEqual({ offset: 'sqlite:8', paused: false });
  });

  it('refuses an async handler with InvalidArgument and rolls back what it wrote before returning', async () => {
    const path = fresh();
    const raw = withReadModel(path);
    const store = storeOn(path);
    const thrown = await rejection(
      store.inTransaction(summary, undefined, 'sqlite:1', async (tx) => {
        tx.prepare('INSERT INTO balances (account, balance) VALUES (?, ?)').run('a', 10);
        await Promise.resolve();
        throw new Error('never heard of: the handler was already refused');
      }),
    );
    expect(thrown).toBeInstanceOf(InvalidArgument);
    expect((thrown as Error).message).toMatch(/projection account-summary\/ must be synchronous: an exactly-once handler on SQLite must be synchronous/);
    expect(balances(raw)).toEqual([]);
    expect(await store.readProjection(summary)).toEqual({ offset: undefined, paused: false });
    // the connection is usable again afterwards
    await store.inTransaction(summary, undefined, 'sqlite:1', () => undefined);
    expect(await store.readProjection(summary)).toEqual({ offset: 'sqlite:1', paused: false });
  });

  it('lives in the journal file: read model, offsets and events side by side', async () => {
    const path = fresh();
    const journal = new SqliteJournal({ path });
    cleanups.push(() => journal.close());
    await journal.writeMessages([atomic('J', 1)]);
    const store = storeOn(path);
    await store.saveOffset(summary, undefined, 'sqlite:1');
    expect(await journal.readHighestSequenceNr('J', 0)).toBe(1);
    expect(rawOn(path).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('names what was wrong with bad arguments, and refuses calls once closed', async () => {
    const path = fresh();
    const store = storeOn(path);
    await expect(store.readProjection({ name: '', key: '' })).rejects.toThrow(/projection name must be a non-empty string, got ""/);
    await expect(store.readProjection({ name: 'p', key: undefined as never })).rejects.toThrow(/projection key of p must be a string/);
    await expect(store.saveOffset(summary, 3 as never, 'sqlite:1')).rejects.toBeInstanceOf(InvalidArgument);
    await expect(store.inTransaction(summary, undefined, undefined as never, () => 1)).rejects.toThrow(/next must be an offset text/);
    await expect(store.savePaused(summary, 'yes' as never)).rejects.toThrow(/paused must be true or false/);
    await store.close();
    await store.close();
    await expect(store.readProjection(summary)).rejects.toMatchObject({
      name: 'SqliteStoreError',
      message: expect.stringContaining(`SQLite readProjection failed on ${path}: the offset store is closed (projection account-summary/)`),
    });
  });
});
