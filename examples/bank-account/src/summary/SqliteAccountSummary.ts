import type { EventEnvelope } from '@engram/core';
import { envelopeId } from '@engram/core';
import type { Database, Statement } from 'better-sqlite3';
import type { ReadModel } from '../projections/ReadModel.js';
import { summaryPage, type AccountSummary, type AccountSummaryPage, type AccountSummaryQueries } from './AccountSummary.js';
import { ReadModelOutOfStep } from './errors.js';
import { summaryChangeOf } from './summaryChange.js';

const schema = `
  CREATE TABLE IF NOT EXISTS bank_account_summary (
    id         TEXT PRIMARY KEY NOT NULL,
    owner      TEXT,
    balance    INTEGER NOT NULL,
    operations INTEGER NOT NULL,
    opened_at  INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_sequence_nr INTEGER NOT NULL DEFAULT 0
  ) STRICT, WITHOUT ROWID;
`;

/** Tables made before `last_sequence_nr` existed: their accounts had no gaps then, so it is operations + 1. */
const addLastSequenceNr = `
  ALTER TABLE bank_account_summary ADD COLUMN last_sequence_nr INTEGER NOT NULL DEFAULT 0;
  UPDATE bank_account_summary SET last_sequence_nr = operations + 1;
`;

interface Row {
  readonly id: string;
  readonly owner: string | null;
  readonly balance: number;
  readonly operations: number;
  readonly opened_at: number;
}

interface WriteStatements {
  readonly open: Statement<[string, string | null, number, number, number]>;
  readonly operate: Statement<[number, number, number, string, number]>;
  readonly find: Statement<[string], { readonly last_sequence_nr: number }>;
}

/**
 * The account summary in the SQLite file of the journal: written by the projection inside the
 * offset store's transaction, read by `GET /accounts` on the read connection.
 */
export class SqliteAccountSummary implements ReadModel<Database>, AccountSummaryQueries {
  // Statements are per connection; the projection's transactions run on the offset store's.
  private readonly writes = new WeakMap<Database, WriteStatements>();
  private listStatement: Statement<[string, number], Row> | undefined;

  /** @param reads the connection `list` reads on (any connection to the same file) */
  constructor(private readonly reads: Database) {}

  /** Creates the table when missing. */
  migrate(db: Database): void {
    db.exec(schema);
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(bank_account_summary)').all();
    if (!columns.some((c) => c.name === 'last_sequence_nr')) db.exec(addLastSequenceNr);
  }

  apply(envelopes: readonly EventEnvelope<unknown>[], db: Database): void {
    const statements = this.statementsOf(db);
    for (const envelope of envelopes) {
      const change = summaryChangeOf(envelope);
      if (change === undefined) continue;
      if (change.type === 'opened') {
        if (statements.open.run(change.id, change.owner, change.at, change.at, change.sequenceNr).changes === 0) {
          throw new ReadModelOutOfStep(envelopeId(envelope), `account ${change.id} is opened again`);
        }
        continue;
      }
      if (statements.operate.run(change.delta, change.at, change.sequenceNr, change.id, change.sequenceNr).changes === 0) {
        const found = statements.find.get(change.id);
        throw new ReadModelOutOfStep(
          envelopeId(envelope),
          found === undefined
            ? `account ${change.id} was never opened`
            : `account ${change.id} has applied its events up to ${found.last_sequence_nr} already`,
        );
      }
    }
  }

  clear(db: Database): void {
    db.prepare('DELETE FROM bank_account_summary').run();
  }

  async list(after: string | undefined, limit: number): Promise<AccountSummaryPage> {
    this.listStatement ??= this.reads.prepare<[string, number], Row>(
      'SELECT id, owner, balance, operations, opened_at FROM bank_account_summary WHERE id > ? ORDER BY id LIMIT ?',
    );
    // Ids are never empty, so '' is before every one of them.
    const rows = this.listStatement.all(after ?? '', limit + 1);
    return summaryPage(rows.map(summaryOf), limit);
  }

  private statementsOf(db: Database): WriteStatements {
    let statements = this.writes.get(db);
    if (statements === undefined) {
      statements = {
        open: db.prepare(
          'INSERT INTO bank_account_summary (id, owner, balance, operations, opened_at, updated_at, last_sequence_nr) VALUES (?, ?, 0, 0, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        ),
        operate: db.prepare(
          'UPDATE bank_account_summary SET balance = balance + ?, operations = operations + 1, updated_at = ?, last_sequence_nr = ? WHERE id = ? AND last_sequence_nr < ?',
        ),
        find: db.prepare('SELECT last_sequence_nr FROM bank_account_summary WHERE id = ?'),
      };
      this.writes.set(db, statements);
    }
    return statements;
  }
}

function summaryOf(row: Row): AccountSummary {
  return { id: row.id, owner: row.owner, balance: row.balance, operations: row.operations, openedAt: row.opened_at };
}
