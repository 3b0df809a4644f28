import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '@engram/sqlite';
import { openSameLayout, payloadDigest, rowsPerStatement, SQLITE_MAX_VARIABLES, statementSizes } from './sameLayout.js';
import { roundOf, runOf, tempDir } from './workload.js';

describe('rowsPerStatement', () => {
  it('puts a batch in one statement when the cap and the parameter limit allow', () => {
    expect(rowsPerStatement(100, 12, 1000)).toBe(100);
  });

  it('stays under the cap and under SQLite parameter limit', () => {
    expect(rowsPerStatement(1000, 12, 100)).toBe(100);
    expect(rowsPerStatement(10_000, 12, 10_000)).toBe(Math.floor(SQLITE_MAX_VARIABLES / 12));
    expect(rowsPerStatement(10_000, 12, 10_000) * 12).toBeLessThanOrEqual(SQLITE_MAX_VARIABLES);
  });

  it('refuses sizes that make no statement', () => {
    expect(() => rowsPerStatement(0, 12, 100)).toThrow(/at least one row/);
    expect(() => rowsPerStatement(10, 0, 100)).toThrow(/parameters/);
    expect(() => rowsPerStatement(10, 12, 0)).toThrow(/cap/);
  });
});

describe('statementSizes', () => {
  it('covers the batch with full statements and one with the rest', () => {
    expect(statementSizes(250, 100)).toEqual([100, 100, 50]);
    expect(statementSizes(200, 100)).toEqual([100, 100]);
    expect(statementSizes(1, 100)).toEqual([1]);
  });
});

describe('openSameLayout', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });

  async function journalDigest(path: string, events: ReturnType<typeof roundOf>) {
    const journal = new SqliteJournal({ path });
    const results = await journal.writeMessages(events.map((e) => ({ persistenceId: e.persistenceId, events: [{ ...e, serializerId: 1 }] })));
    expect(results.every((r) => r === undefined)).toBe(true);
    await journal.close();
    const db = new Database(path, { readonly: true });
    try {
      return payloadDigest(db);
    } finally {
      db.close();
    }
  }

  it("stores the same payloads as SqliteJournal, in its tables, readable by the journal", async () => {
    const tmp = tempDir('same-layout-test');
    dirs.push(tmp);
    const events = [...roundOf(150, 0), ...roundOf(150, 1)];
    const raw = await openSameLayout(`${tmp.dir}/raw.db`, { maxRowsPerStatement: 64 });
    raw.write(events.slice(0, 150));
    raw.write(events.slice(150));
    const rawDigest = payloadDigest(raw.db);
    raw.db.close();
    expect(rawDigest.rows).toBe(300);
    expect(rawDigest).toEqual(await journalDigest(`${tmp.dir}/journal.db`, events));

    const reopened = new SqliteJournal({ path: `${tmp.dir}/raw.db` });
    const replayed: unknown[] = [];
    await reopened.replayMessages('Account|7', 1, Infinity, Infinity, (repr) => replayed.push([repr.sequenceNr, repr.payload]));
    await reopened.close();
    expect(replayed).toEqual([1, 2].map((seq) => [seq, events.find((e) => e.persistenceId === 'Account|7' && e.sequenceNr === seq)!.payload]));
  });

  it('gives another digest when one payload differs', async () => {
    const tmp = tempDir('same-layout-test');
    dirs.push(tmp);
    const events = runOf('Account|1', 1, 10);
    const changed = events.map((e, i) => (i === 5 ? { ...e, payload: e.payload.replace('Deposited', 'Withdrawn') } : e));
    const raw = await openSameLayout(`${tmp.dir}/raw.db`);
    raw.write(changed);
    const rawDigest = payloadDigest(raw.db);
    raw.db.close();
    expect(rawDigest.digest).not.toBe((await journalDigest(`${tmp.dir}/journal.db`, events)).digest);
  });

  it('refuses a write that reuses a sequence nr, as the layout requires', async () => {
    const tmp = tempDir('same-layout-test');
    dirs.push(tmp);
    const raw = await openSameLayout(`${tmp.dir}/raw.db`);
    raw.write(runOf('Account|1', 1, 3));
    expect(() => raw.write(runOf('Account|1', 3, 1))).toThrow(/sequence conflict on Account\|1/);
    raw.db.close();
  });
});
