import type { Journal, PersistenceConfig } from '@engram/core';
import { PostgresJournal, PostgresSnapshotStore } from '@engram/postgres';
import { runOf } from '../../sqlite/workload.js';

/**
 * Engram's persistence on PostgreSQL as a user sets it up: both stores with their defaults (own
 * pool of 10 connections each, tables created on first use) in `schema`, and the engine's defaults
 * apart from `maxConcurrentWrites` when given.
 */
export function engramPostgres(url: string, schema: string, maxConcurrentWrites?: number): PersistenceConfig {
  return {
    journal: new PostgresJournal({ connectionString: url, schema }),
    snapshotStore: new PostgresSnapshotStore({ connectionString: url, schema }),
    ...(maxConcurrentWrites === undefined ? {} : { maxConcurrentWrites }),
  };
}

/** Writes `events` events of one actor through the journal, `perCall` events in one AtomicWrite per call. */
export async function fillOne(journal: Journal, persistenceId: string, events: number, perCall: number): Promise<void> {
  for (let from = 1; from <= events; from += perCall) {
    const batch = runOf(persistenceId, from, Math.min(perCall, events - from + 1)).map((e) => ({ ...e, serializerId: 1 }));
    const [result] = await journal.writeMessages([{ persistenceId, events: batch }]);
    if (result !== undefined) throw result;
  }
}
