import pg from 'pg';

/**
 * The schemas one benchmark run works in: each workload gets a fresh one (so every figure starts
 * from empty tables), and every one is dropped at the end, also when the run fails.
 */
export class BenchSchemas {
  readonly admin: pg.Pool;
  private readonly created = new Set<string>();
  private counter = 0;

  constructor(readonly url: string) {
    this.admin = new pg.Pool({ connectionString: url, max: 4, application_name: 'engram-bench-admin' });
    this.admin.on('error', () => {});
  }

  /** Creates an empty schema named after `label` and this process. */
  async fresh(label: string): Promise<string> {
    const name = `engram_bench_pg_${label}_${process.pid}_${++this.counter}`;
    this.created.add(name);
    await this.admin.query(`CREATE SCHEMA "${name}"`);
    return name;
  }

  /** A connection string whose sessions resolve unqualified names in `schema` (for stores without a schema option). */
  urlFor(schema: string): string {
    const separator = this.url.includes('?') ? '&' : '?';
    return `${this.url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }

  /**
   * VACUUM ANALYZE of every table in `schema`: what autovacuum does to a table soon after a bulk
   * load, so no reader pays for setting hint bits of freshly written rows.
   */
  async vacuum(schema: string): Promise<void> {
    const tables = await this.admin.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = $1',
      [schema],
    );
    for (const { name } of tables.rows) await this.admin.query(`VACUUM ANALYZE "${schema}"."${name}"`);
  }

  async drop(schema: string): Promise<void> {
    await this.admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    this.created.delete(schema);
  }

  async close(): Promise<void> {
    try {
      for (const schema of [...this.created]) await this.drop(schema);
    } finally {
      await this.admin.end();
    }
  }
}
