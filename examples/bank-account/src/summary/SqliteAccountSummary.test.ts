import Database from 'better-sqlite3';
import { Offset, type EventEnvelope } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { accountPersistenceId } from '../domain/index.js';
import { SqliteAccountSummary } from './SqliteAccountSummary.js';

const open: Database.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

function envelope(id: string, sequenceNr: number, event: Record<string, unknown>): EventEnvelope<unknown> {
  return { offset: Offset.start, persistenceId: accountPersistenceId(id), sequenceNr, event, timestamp: 1_000 + sequenceNr, tags: [] };
}

function summary() {
  const db = new Database(':memory:');
  open.push(db);
  const model = new SqliteAccountSummary(db);
  model.migrate(db);
  return { db, model };
}

describe('SqliteAccountSummary', () => {
  it('applies events across the gap a rejected write leaves in the sequence nrs, and refuses one applied already', async () => {
    const { db, model } = summary();
    model.apply([envelope('gap', 1, { type: 'AccountOpened', owner: null }), envelope('gap', 3, { type: 'Deposited', amount: 4 })], db);
    model.apply([envelope('gap', 4, { type: 'Withdrawn', amount: 1 })], db);
    expect((await model.list(undefined, 10)).accounts).toMatchObject([{ id: 'gap', balance: 3, operations: 2 }]);
    expect(() => model.apply([envelope('gap', 4, { type: 'Deposited', amount: 9 })], db)).toThrow(
      /out of step with event Account\|gap:4: account gap has applied its events up to 4 already/,
    );
    expect((await model.list(undefined, 10)).accounts).toMatchObject([{ id: 'gap', balance: 3, operations: 2 }]);
  });

  it('gives a table made before last_sequence_nr existed the column, taken as operations + 1', async () => {
    const db = new Database(':memory:');
    open.push(db);
    db.exec(`CREATE TABLE bank_account_summary (id TEXT PRIMARY KEY NOT NULL, owner TEXT, balance INTEGER NOT NULL,
      operations INTEGER NOT NULL, opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
      INSERT INTO bank_account_summary VALUES ('old', NULL, 5, 2, 1, 1);`);
    const model = new SqliteAccountSummary(db);
    model.migrate(db);
    model.migrate(db);
    expect(() => model.apply([envelope('old', 3, { type: 'Deposited', amount: 1 })], db)).toThrow(/has applied its events up to 3 already/);
    model.apply([envelope('old', 4, { type: 'Deposited', amount: 1 })], db);
    expect((await model.list(undefined, 10)).accounts).toMatchObject([{ id: 'old', balance: 6, operations: 3 }]);
  });
});
