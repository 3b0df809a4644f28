import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActorSystem, ask, JournalFailure, SequenceConflict } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { SqliteFileInUse, SqliteJournal } from '@engram/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { counter } from '../getting-started/counter.js';
import { sharedFile } from './sharedFile.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-guide-shared-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two writers on one SQLite file (docs/guide/09-production-checklist.md)', () => {
  it('sharedFile: a second journal is refused, unless every journal of the file is shared', async () => {
    const lines: string[] = [];
    await sharedFile(join(dir, 'shared.db'), (line) => lines.push(line));
    expect(lines).toEqual(['only: 1', 'a second journal on the file: SqliteFileInUse', 'orders: 1, billing: 1']);
  });

  it('SqliteFileInUse names the file, the lock file and the option', async () => {
    const path = join(dir, 'named.db');
    const first = new SqliteJournal({ path });
    try {
      expect(() => new SqliteJournal({ path })).toThrow(
        `SQLite journal cannot open ${path} for writing: another SqliteJournal, in this process or another, has it open ` +
          `(lock file ${path}-engram-lock). One journal writes a file at a time unless every journal of the file is opened ` +
          `with { writers: 'shared' }; close the other one first (a process that died has released it).`,
      );
      expect(() => new SqliteJournal({ path, writers: 'shared' })).toThrow(SqliteFileInUse);
    } finally {
      await first.close();
    }
    const again = new SqliteJournal({ path }); // closed: free again
    await again.close();
  });

  it('shared writers of one persistenceId: the stale one fails at its first write, nothing is doubled', async () => {
    const path = join(dir, 'conflict.db');
    const other = ActorSystem.create('other', { persistence: { journal: new SqliteJournal({ path, writers: 'shared' }) }, logLevel: 'error' });
    const kit = ActorTestKit.create({ config: { persistence: { journal: new SqliteJournal({ path, writers: 'shared' }) } } });
    try {
      const mine = kit.spawn(counter('visits'));
      const replies = kit.createTestProbe<number>();
      mine.tell({ type: 'get', replyTo: replies.ref });
      await replies.expectMessage(0); // recovered: nothing stored yet
      expect(await ask(other.spawn(counter('visits')), (replyTo) => ({ type: 'increment', by: 1, replyTo }), { timeoutMs: 3000 })).toBe(1);

      mine.tell({ type: 'increment', by: 1, replyTo: replies.ref }); // believes the count is 0
      const { failure } = await kit.createTestProbe().expectTerminated(mine);
      expect(failure).toBeInstanceOf(JournalFailure);
      expect(failure?.cause).toBeInstanceOf(SequenceConflict);
      await replies.expectNoMessage();
    } finally {
      await kit.shutdown();
      await other.terminate();
    }
  });
});
