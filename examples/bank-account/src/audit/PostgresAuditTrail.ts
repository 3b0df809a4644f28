import type { EventEnvelope } from '@engram/core';
import type { ClientBase, Pool, PoolClient } from 'pg';
import type { ReadModel } from '../projections/ReadModel.js';
import { auditEntryOf, auditPage, type AuditPage, type AuditQueries, type AuditQuery } from './AuditEntry.js';

interface Row {
  readonly id: string;
  readonly persistence_id: string;
  readonly sequence_nr: string;
  readonly event_type: string;
  readonly at: Date;
  readonly description: string;
  readonly event: unknown;
}

/**
 * The audit trail on PostgreSQL: one row per event with a generated tsvector of its description
 * and a GIN index on it, written by the projection inside the offset store's transaction.
 *
 * The 'simple' text search configuration (lower-case words, no stemming, no stop words) over the
 * description with punctuation turned into spaces finds the same events for the same words as the
 * SQLite store's FTS5 index: PostgreSQL's parser would otherwise keep `alice.b` or `a@b.c` as one
 * token, where FTS5 sees two or three words.
 */
export class PostgresAuditTrail implements ReadModel<PoolClient>, AuditQueries {
  private readonly table: string;

  /** @param schema an identifier (the app's configuration checks it) */
  constructor(
    private readonly pool: Pool,
    schema: string,
  ) {
    this.table = `"${schema}".bank_audit_event`;
  }

  /** Creates the table (and indexes) when missing; the caller holds the migration lock. */
  async migrate(client: ClientBase): Promise<void> {
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${this.table} (
        id             bigserial PRIMARY KEY,
        persistence_id text NOT NULL,
        sequence_nr    bigint NOT NULL,
        event_type     text NOT NULL,
        at             timestamptz NOT NULL,
        description    text NOT NULL,
        event          jsonb NOT NULL,
        search         tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(description, '[[:punct:][:space:]]+', ' ', 'g'))) STORED,
        UNIQUE (persistence_id, sequence_nr)
      );
      CREATE INDEX IF NOT EXISTS bank_audit_event_search ON ${this.table} USING gin (search);
      CREATE INDEX IF NOT EXISTS bank_audit_event_at ON ${this.table} (at, id);
      CREATE INDEX IF NOT EXISTS bank_audit_event_pid_at ON ${this.table} (persistence_id, at, id);`);
  }

  async apply(envelopes: readonly EventEnvelope<unknown>[], client: PoolClient): Promise<void> {
    if (envelopes.length === 0) return;
    const entries = envelopes.map(auditEntryOf);
    // One statement per batch: the arrays are unnested into rows, in the envelopes' order.
    await client.query(
      `INSERT INTO ${this.table} (persistence_id, sequence_nr, event_type, at, description, event)
       SELECT persistence_id, sequence_nr, event_type, at, description, event
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[]) WITH ORDINALITY
         AS e(persistence_id, sequence_nr, event_type, at, description, event, n)
       ORDER BY n`,
      [
        entries.map((e) => e.persistenceId),
        entries.map((e) => e.sequenceNr),
        entries.map((e) => e.type),
        entries.map((e) => new Date(e.at)),
        entries.map((e) => e.description),
        entries.map((e) => JSON.stringify(e.event) ?? 'null'),
      ],
    );
  }

  async clear(client: PoolClient): Promise<void> {
    await client.query(`DELETE FROM ${this.table}`);
  }

  async search(query: AuditQuery): Promise<AuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (query.words.length > 0) where.push(`search @@ plainto_tsquery('simple', ${param(query.words.join(' '))})`);
    if (query.persistenceId !== undefined) where.push(`persistence_id = ${param(query.persistenceId)}`);
    if (query.from !== undefined) where.push(`at >= ${param(new Date(query.from))}`);
    if (query.to !== undefined) where.push(`at < ${param(new Date(query.to))}`);
    const newest = query.order === 'newest';
    if (query.after !== undefined) {
      where.push(`(at, id) ${newest ? '<' : '>'} (${param(new Date(query.after.at))}, ${param(query.after.id)})`);
    }
    const direction = newest ? 'DESC' : 'ASC';
    const result = await this.pool.query<Row>(
      `SELECT id, persistence_id, sequence_nr, event_type, at, description, event FROM ${this.table}` +
        (where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`) +
        ` ORDER BY at ${direction}, id ${direction} LIMIT ${param(query.limit + 1)}`,
      params,
    );
    return auditPage(
      result.rows.map((row) => ({
        id: Number(row.id),
        persistenceId: row.persistence_id,
        sequenceNr: Number(row.sequence_nr),
        type: row.event_type,
        at: row.at.getTime(),
        description: row.description,
        event: row.event,
      })),
      query.limit,
    );
  }
}
