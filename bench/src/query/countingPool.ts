import pg from 'pg';

/** A pool whose clients count every statement they send: what a store on it costs the server. */
export interface CountingPool {
  readonly pool: pg.Pool;
  statements(): number;
}

export function countingPool(url: string, max: number): CountingPool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'engram-bench-query' });
  pool.on('error', () => {});
  let statements = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements++;
      return query(...args);
    };
  });
  return { pool, statements: () => statements };
}
