import type pg from 'pg';

/**
 * What the server will do with a commit, checked at startup: with `synchronous_commit = off` a
 * commit is acknowledged before it is on disk, so a server crash can lose events whose writers
 * were told they were stored; with `fsync = off` a crash can corrupt the database.
 */
export async function durabilityWarnings(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')`,
  );
  const setting = (name: string) => rows.find((row) => row.name === name)?.setting;
  const warnings: string[] = [];
  if (setting('synchronous_commit') === 'off') {
    warnings.push('synchronous_commit is off: a server crash can lose acknowledged events');
  }
  if (setting('fsync') === 'off') warnings.push('fsync is off: a server crash can corrupt the database');
  if (setting('full_page_writes') === 'off') warnings.push('full_page_writes is off: a server crash can corrupt the database');
  return warnings;
}
