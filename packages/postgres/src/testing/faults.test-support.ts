import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';

/** A pool whose connections carry a unique application_name, so a test can find and kill them. */
export function taggedPool(url: string, label: string, max = 4): { pool: pg.Pool; applicationName: string } {
  const applicationName = `engram-${label}-${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: url, application_name: applicationName, max });
  // Killed idle connections are reported here; the pool replaces them.
  pool.on('error', () => {});
  return { pool, applicationName };
}

/** Polls (with queries, not timers) until a backend of `applicationName` waits on a lock. */
export async function lockedBackend(admin: pg.Pool, applicationName: string): Promise<number> {
  for (;;) {
    const result = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
      [applicationName],
    );
    const pid = result.rows[0]?.pid;
    if (pid !== undefined) return pid;
  }
}

/** Terminates every busy backend of `applicationName`; returns how many. */
export async function terminateBusy(admin: pg.Pool, applicationName: string): Promise<number> {
  const result = await admin.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`,
    [applicationName],
  );
  return result.rowCount ?? 0;
}

/** A TCP port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
