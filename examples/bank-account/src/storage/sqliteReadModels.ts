import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqliteOffsetStore } from '@engram/sqlite';
import Database from 'better-sqlite3';
import { SqliteAuditTrail } from '../audit/index.js';
import { SqliteAccountSummary } from '../summary/index.js';
import type { ReadModels } from './ReadModels.js';

/**
 * The read models in the journal's SQLite file: the offset store's connection writes them (inside
 * its transactions), a connection of their own reads them for the HTTP routes.
 */
export function sqliteReadModels(path: string): ReadModels<Database.Database> {
  mkdirSync(dirname(path), { recursive: true });
  const offsetStore = new SqliteOffsetStore({ path });
  let reads: Database.Database | undefined;
  try {
    reads = new Database(path);
    // Waits for the journal's and the projections' writes rather than failing a read at once.
    reads.pragma('busy_timeout = 5000');
    const summary = new SqliteAccountSummary(reads);
    const audit = new SqliteAuditTrail(reads);
    const db = reads;
    db.transaction(() => {
      summary.migrate(db);
      audit.migrate(db);
    }).immediate();
    return {
      offsetStore,
      summary,
      audit,
      close: async () => {
        db.close();
        await offsetStore.close();
      },
    };
  } catch (error) {
    reads?.close();
    void offsetStore.close();
    throw error;
  }
}
