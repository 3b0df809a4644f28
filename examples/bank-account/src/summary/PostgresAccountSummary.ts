import type { EventEnvelope } from '@engram/core';
import { envelopeId } from '@engram/core';
import type { ClientBase, Pool, PoolClient } from 'pg';
import type { ReadModel } from '../projections/ReadModel.js';
import { summaryPage, type AccountSummaryPage, type AccountSummaryQueries } from './AccountSummary.js';
import { ReadModelOutOfStep } from './errors.js';
import { summaryChangeOf } from './summaryChange.js';

interface Row {
  readonly id: string;
  readonly owner: string | null;
  readonly balance: string;
  readonly operations: number;
  readonly opened_at: Date;
}

/**
 * The account summary in the PostgreSQL schema of the journal: written by the projection inside
 * the offset store's transaction, read by `GET /accounts` from the pool.
 */
export class PostgresAccountSummary implements ReadModel<PoolClient>, AccountSummaryQueries {
  private readonly table: string;

  /** @param schema an identifier (the app's configuration checks it) */
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {
    this.table = `"${schema}".bank_account_summary`;
  }

  /** Creates the table when missing; the caller holds the migration lock. */
  async migrate(client: ClientBase): Promise<void> {
    // COLLATE "C": pages in byte order, the order of SQLite's and of the cursor comparison.
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${this.table} (
        id         text COLLATE "C" PRIMARY KEY,
        owner      text,
        balance    bigint NOT NULL,
        operations integer NOT NULL,
        opened_at  timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        last_sequence_nr bigint NOT NULL DEFAULT 0
      )`);
    // Tables made before the column existed: their accounts had no gaps then.
    const added = await client.query(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'bank_account_summary' AND column_name = 'last_sequence_nr'`,
      [this.schema],
    );
    if (added.rowCount === 0) {
      await client.query(`ALTER TABLE ${this.table} ADD COLUMN last_sequence_nr bigint NOT NULL DEFAULT 0`);
      await client.query(`UPDATE ${this.table} SET last_sequence_nr = operations + 1`);
    }
  }

  async apply(envelopes: readonly EventEnvelope<unknown>[], client: PoolClient): Promise<void> {
    for (const envelope of envelopes) {
      const change = summaryChangeOf(envelope);
      if (change === undefined) continue;
      if (change.type === 'opened') {
        const opened = await client.query({
          text: `INSERT INTO ${this.table} (id, owner, balance, operations, opened_at, updated_at, last_sequence_nr) VALUES ($1, $2, 0, 0, $3, $3, $4) ON CONFLICT (id) DO NOTHING`,
          values: [change.id, change.owner, new Date(change.at), change.sequenceNr],
        });
        if (opened.rowCount === 0) throw new ReadModelOutOfStep(envelopeId(envelope), `account ${change.id} is opened again`);
        continue;
      }
      const operated = await client.query({
        text: `UPDATE ${this.table} SET balance = balance + $1, operations = operations + 1, updated_at = $2, last_sequence_nr = $4
          WHERE id = $3 AND last_sequence_nr < $4`,
        values: [change.delta, new Date(change.at), change.id, change.sequenceNr],
      });
      if (operated.rowCount === 0) {
        const found = await client.query<{ last: string }>(`SELECT last_sequence_nr::text AS last FROM ${this.table} WHERE id = $1`, [change.id]);
        const last = found.rows[0]?.last;
        throw new ReadModelOutOfStep(
          envelopeId(envelope),
          last === undefined ? `account ${change.id} was never opened` : `account ${change.id} has applied its events up to ${last} already`,
        );
      }
    }
  }

  async clear(client: PoolClient): Promise<void> {
    await client.query(`DELETE FROM ${this.table}`);
  }

  async list(after: string | undefined, limit: number): Promise<AccountSummaryPage> {
    const result = await this.pool.query<Row>({
      text: `SELECT id, owner, balance::text AS balance, operations, opened_at FROM ${this.table} WHERE id > $1 ORDER BY id LIMIT $2`,
      values: [after ?? '', limit + 1],
    });
    return summaryPage(
      result.rows.map((row) => ({
        id: row.id,
        owner: row.owner,
        balance: Number(row.balance),
        operations: row.operations,
        openedAt: row.opened_at.getTime(),
      })),
      limit,
    );
  }
}
