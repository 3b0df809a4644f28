import type { StoreConfig } from '../config.js';
import type { ReadModels } from './ReadModels.js';
import { sqliteReadModels } from './sqliteReadModels.js';

/**
 * The read models and their offset store in the database of `config`, tables created when
 * missing. As with the journal, PostgreSQL's driver is loaded only when asked for.
 */
export async function createReadModels(config: StoreConfig): Promise<ReadModels> {
  if (config.kind === 'sqlite') return sqliteReadModels(config.path);
  const { postgresReadModels } = await import('./postgresReadModels.js');
  return postgresReadModels(config.connectionString, config.schema ?? 'public');
}
