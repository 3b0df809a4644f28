import type { EventEnvelope } from '@engram/core';
import type { Database, Statement } from 'better-sqlite3';
import type { ReadModel } from '../projections/ReadModel.js';
import { auditEntryOf, auditPage, type AuditPage, type AuditQueries, type AuditQuery } from './AuditEntry.js';

// The search index is an FTS5 table of the descriptions whose rowid is the event row's id. The
// tokenizer keeps diacritics, as PostgreSQL's 'simple' configuration does, so both stores find
// the same events for the same words.
const schema = `
  CREATE TABLE IF NOT EXISTS bank_audit_event (
    id             INTEGER PRIMARY KEY,
    persistence_id TEXT NOT NULL,
    sequence_nr    INTEGER NOT NULL,
    event_type     TEXT NOT NULL,
    at             INTEGER NOT NULL,
    description    TEXT NOT NULL,
    event          TEXT NOT NULL,
    UNIQUE (persistence_id, sequence_nr)
  ) STRICT;
  CREATE INDEX IF NOT EXISTS bank_audit_event_at ON bank_audit_event (at, id);
  CREATE INDEX IF NOT EXISTS bank_audit_event_pid_at ON bank_audit_event (persistence_id, at, id);
  CREATE VIRTUAL TABLE IF NOT EXISTS bank_audit_search USING fts5 (description, tokenize = 'unicode61 remove_diacritics 0');
`;

interface Row {
  readonly id: number;
  readonly persistence_id: string;
  readonly sequence_nr: number;
  readonly event_type: string;
  readonly at: number;
  readonly description: string;
  readonly event: string;
}

interface WriteStatements {
  readonly insert: Statement<[string, number, string, number, string, string]>;
  readonly index: Statement<[number | bigint, string]>;
}

/**
 * The audit trail on SQLite: one row per event plus an FTS5 index of its description, written by
 * the projection inside the offset store's transaction and searched on the read connection.
 */
export class SqliteAuditTrail implements ReadModel<Database>, AuditQueries {
  private readonly writes = new WeakMap<Database, WriteStatements>();
  // One statement per combination of filters, so each uses the index that fits it.
  private readonly searches = new Map<string, Statement<unknown[], Row>>();

  constructor(private readonly reads: Database) {}

  /** Creates the tables and the search index when missing. */
  migrate(db: Database): void {
    db.exec(schema);
  }

  apply(envelopes: readonly EventEnvelope<unknown>[], db: Database): void {
    const statements = this.statementsOf(db);
    for (const envelope of envelopes) {
      const entry = auditEntryOf(envelope);
      const { lastInsertRowid } = statements.insert.run(
        entry.persistenceId,
        entry.sequenceNr,
        entry.type,
        entry.at,
        entry.description,
        JSON.stringify(entry.event) ?? 'null',
      );
      statements.index.run(lastInsertRowid, entry.description);
    }
  }

  clear(db: Database): void {
    db.prepare('DELETE FROM bank_audit_search').run();
    db.prepare('DELETE FROM bank_audit_event').run();
  }

  async search(query: AuditQuery): Promise<AuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.words.length > 0) {
      where.push('id IN (SELECT rowid FROM bank_audit_search WHERE bank_audit_search MATCH ?)');
      params.push(matchExpression(query.words));
    }
    if (query.persistenceId !== undefined) {
      where.push('persistence_id = ?');
      params.push(query.persistenceId);
    }
    if (query.from !== undefined) {
      where.push('at >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('at < ?');
      params.push(query.to);
    }
    const newest = query.order === 'newest';
    if (query.after !== undefined) {
      where.push(newest ? '(at, id) < (?, ?)' : '(at, id) > (?, ?)');
      params.push(query.after.at, query.after.id);
    }
    const direction = newest ? 'DESC' : 'ASC';
    const sql =
      'SELECT id, persistence_id, sequence_nr, event_type, at, description, event FROM bank_audit_event' +
      (where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`) +
      ` ORDER BY at ${direction}, id ${direction} LIMIT ?`;
    let statement = this.searches.get(sql);
    if (statement === undefined) {
      statement = this.reads.prepare<unknown[], Row>(sql);
      this.searches.set(sql, statement);
    }
    const rows = statement.all(...params, query.limit + 1);
    return auditPage(
      rows.map((row) => ({
        id: row.id,
        persistenceId: row.persistence_id,
        sequenceNr: row.sequence_nr,
        type: row.event_type,
        at: row.at,
        description: row.description,
        event: JSON.parse(row.event) as unknown,
      })),
      query.limit,
    );
  }

  private statementsOf(db: Database): WriteStatements {
    let statements = this.writes.get(db);
    if (statements === undefined) {
      statements = {
        insert: db.prepare(
          'INSERT INTO bank_audit_event (persistence_id, sequence_nr, event_type, at, description, event) VALUES (?, ?, ?, ?, ?, ?)',
        ),
        index: db.prepare('INSERT INTO bank_audit_search (rowid, description) VALUES (?, ?)'),
      };
      this.writes.set(db, statements);
    }
    return statements;
  }
}

/**
 * An FTS5 query in which every word must occur: each word quoted as a string, so that what users
 * type is never read as FTS5 syntax (AND, NEAR, column filters, `*`).
 */
function matchExpression(words: readonly string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ');
}
