import { existsSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidArgument, SnapshotSelectionCriteria } from '@engram/core/spi';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteFileInUse } from '../errors/index.js';
import { SqliteJournal, type SqliteJournalOptions } from '../journal/index.js';
import { SqliteReadJournal } from '../query/index.js';
import { SqliteSnapshotStore } from '../snapshot/index.js';
import { atomic, tempDatabase } from '../testing/fixtures.test-support.js';

// One writing journal per file, in this process (another process: SqliteJournal.process.test.ts).

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function fresh() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  return db;
}

function journal(options: SqliteJournalOptions): SqliteJournal {
  const opened = new SqliteJournal(options);
  cleanups.push(() => opened.close());
  return opened;
}

function refusal(open: () => unknown): SqliteFileInUse {
  try {
    open();
  } catch (error) {
    if (error instanceof SqliteFileInUse) return error;
    throw error;
  }
  throw new Error('the journal opened');
}

describe('one writing journal per SQLite file', () => {
  it('a second journal on the file is refused with SqliteFileInUse naming the file and how to share it; the first writes on', async () => {
    const { path } = fresh();
    const first = journal({ path });
    const error = refusal(() => new SqliteJournal({ path, busyTimeoutMs: 0 }));
    expect(error).toMatchObject({ name: 'SqliteFileInUse', path, lockPath: `${path}-engram-lock`, writers: 'single' });
    expect(error.message).toBe(
      `SQLite journal cannot open ${path} for writing: another SqliteJournal, in this process or another, has it open ` +
        `(lock file ${path}-engram-lock). One journal writes a file at a time unless every journal of the file is opened ` +
        `with { writers: 'shared' }; close the other one first (a process that died has released it).`,
    );
    expect(await first.writeMessages([atomic('a', 1)])).toEqual([undefined]);
  });

  it('once the first journal is closed the next one opens and sees its events', async () => {
    const { path } = fresh();
    const first = new SqliteJournal({ path });
    await first.writeMessages([atomic('a', 1, 2)]);
    await first.close();
    expect(await journal({ path }).readHighestSequenceNr('a', 0)).toBe(2);
  });

  it("shared journals write the file together; a single one is refused among them, and they among a single one", async () => {
    const { path } = fresh();
    const one = journal({ path, writers: 'shared' });
    const two = journal({ path, writers: 'shared' });
    expect(await one.writeMessages([atomic('one', 1)])).toEqual([undefined]);
    expect(await two.writeMessages([atomic('two', 1)])).toEqual([undefined]);
    expect(await one.readHighestSequenceNr('two', 0)).toBe(1);
    expect(refusal(() => new SqliteJournal({ path, busyTimeoutMs: 0 })).writers).toBe('single');
    await one.close();
    await two.close();

    journal({ path });
    const shared = refusal(() => new SqliteJournal({ path, writers: 'shared', busyTimeoutMs: 0 }));
    expect(shared.message).toBe(
      `SQLite journal cannot open ${path} for writing: another SqliteJournal, in this process or another, has it open ` +
        `as its only writer (lock file ${path}-engram-lock); open that one with { writers: 'shared' } too, or close it first.`,
    );
  });

  it('readers of the file are never refused: read journal, snapshot store, a read-only connection', async () => {
    const { path } = fresh();
    const writer = journal({ path });
    await writer.writeMessages([atomic('r', 1, 3)]);
    const reads = new SqliteReadJournal({ path });
    cleanups.push(() => reads.close());
    const ids: string[] = [];
    for await (const id of reads.currentPersistenceIds()) ids.push(id);
    expect(ids).toEqual(['r']);
    const snapshots = new SqliteSnapshotStore({ path });
    cleanups.push(() => snapshots.close());
    await snapshots.save({ persistenceId: 'r', sequenceNr: 3, timestamp: 1 }, { serializerId: 1, manifest: '', payload: '{}' });
    expect((await snapshots.load('r', SnapshotSelectionCriteria.latest()))?.metadata.sequenceNr).toBe(3);
    const shell = new Database(path, { readonly: true, fileMustExist: true });
    cleanups.push(() => void shell.close());
    expect(shell.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
  });

  it('two paths to one file share its lock: a relative path and a symlink are refused too', () => {
    const { dir, path } = fresh();
    journal({ path });
    expect(refusal(() => new SqliteJournal({ path: relative(process.cwd(), path), busyTimeoutMs: 0 }))).toBeInstanceOf(SqliteFileInUse);
    const link = join(dir, 'link.db');
    symlinkSync(path, link);
    expect(refusal(() => new SqliteJournal({ path: link, busyTimeoutMs: 0 })).lockPath).toBe(`${path}-engram-lock`);
  });

  it('a journal that failed to open holds no lock', () => {
    const { path } = fresh();
    // The file's write lock held while it is still in rollback mode: opening fails after busyTimeoutMs.
    const holder = new Database(path);
    cleanups.push(() => void holder.close());
    holder.exec('BEGIN IMMEDIATE');
    expect(() => new SqliteJournal({ path, busyTimeoutMs: 20 })).toThrow(/kept the file locked for longer than busyTimeoutMs/);
    holder.exec('ROLLBACK');
    journal({ path, busyTimeoutMs: 0 });
  });

  it(':memory: journals are private to their connection and take no lock', async () => {
    const a = journal({ path: ':memory:' });
    const b = journal({ path: ':memory:' });
    expect(await a.writeMessages([atomic('m', 1)])).toEqual([undefined]);
    expect(await b.readHighestSequenceNr('m', 0)).toBe(0);
    expect(existsSync(':memory:-engram-lock')).toBe(false);
  });

  it('refuses a writers value other than single or shared with InvalidArgument', () => {
    const { path } = fresh();
    const bad = () => new SqliteJournal({ path, writers: 'many' as never });
    expect(bad).toThrow(InvalidArgument);
    expect(bad).toThrow(`SqliteJournal option writers must be 'single' (the default) or 'shared', got "many"`);
    expect(existsSync(`${path}-engram-lock`)).toBe(false);
  });
});
