/**
 * Another process opening Engram SQLite files, for the tests of opening one new file from many
 * processes at once.
 *
 *   open-on-request: prints `ready`, then for every line `open <path>` read from stdin opens a
 *     journal (`writers: 'shared'`) and a snapshot store on that file, reads through both, closes
 *     them and prints `ok`, or `error <name>: <message>` for one of Engram's named errors, or
 *     `unexpected <what>` for anything else (one line each). Ends when stdin closes.
 *   hold-lock <path> <ms>: creates the file in SQLite's default rollback mode, takes its write
 *     lock (BEGIN IMMEDIATE), prints `locked`, and releases the lock after <ms> milliseconds.
 */
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { EngramError, SnapshotSelectionCriteria } from '@engram/core/spi';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';

const [mode, ...args] = process.argv.slice(2);

/** Opens a journal and a snapshot store on `path`, reads through both, closes them. */
async function openAndRead(path: string): Promise<string> {
  let journal: SqliteJournal | undefined;
  let snapshots: SqliteSnapshotStore | undefined;
  try {
    journal = new SqliteJournal({ path, writers: 'shared' });
    snapshots = new SqliteSnapshotStore({ path });
    await journal.readHighestSequenceNr('Opener|probe', 0);
    await snapshots.load('Opener|probe', SnapshotSelectionCriteria.latest());
    return 'ok';
  } catch (error) {
    if (error instanceof EngramError) return `error ${error.name}: ${oneLine(error.message)}`;
    return `unexpected ${oneLine(error instanceof Error ? `${error.name}: ${error.message}` : String(error))}`;
  } finally {
    await journal?.close();
    await snapshots?.close();
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

if (mode === 'open-on-request') {
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const path = line.startsWith('open ') ? line.slice('open '.length) : undefined;
    if (path === undefined) throw new Error(`unknown request ${line}`);
    process.stdout.write(`${await openAndRead(path)}\n`);
  }
} else if (mode === 'hold-lock' && args.length === 2) {
  const [path, holdMs] = args as [string, string];
  const db = new Database(path);
  db.exec('BEGIN IMMEDIATE');
  process.stdout.write('locked\n');
  setTimeout(() => {
    db.exec('COMMIT');
    db.close();
  }, Number(holdMs));
} else {
  throw new Error(`unknown mode ${String(mode)} ${args.join(' ')}`);
}
