import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './faults.test-support.js';

const run = promisify(execFile);
const binaries = process.env['ENGRAM_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL server of its own (initdb into a temp dir, its own port), for tests that
 * stop and start a server: the shared one stays untouched. initdb refuses to run as root, so as
 * root the server runs as the `postgres` OS user (via `su`).
 */
export class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly asUser: string | undefined,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A started cluster, or the reason none can be made here. */
  static async create(): Promise<PrivateCluster | string> {
    if (!existsSync(join(binaries, 'initdb'))) return `no initdb in ${binaries} (set ENGRAM_PG_BIN)`;
    const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
    const dir = mkdtempSync(join(tmpdir(), 'engram-pg-'));
    try {
      if (asUser !== undefined) {
        const { stdout } = await run('id', ['-u', asUser]);
        const { stdout: group } = await run('id', ['-g', asUser]);
        chownSync(dir, Number(stdout.trim()), Number(group.trim()));
      }
      const cluster = new PrivateCluster(dir, await freePort(), asUser);
      await cluster.exec(`${binaries}/initdb -D ${dir}/data -U postgres -A trust --no-sync`);
      await cluster.start();
      return cluster;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      return `cannot start a private PostgreSQL cluster: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  async start(): Promise<void> {
    await this.exec(
      `${binaries}/pg_ctl -D ${this.dir}/data -l ${this.dir}/server.log -w ` +
        `-o "-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1" start`,
    );
  }

  /** `immediate` is a crash as far as clients and the WAL are concerned; `fast` is a clean stop. */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    await this.exec(`${binaries}/pg_ctl -D ${this.dir}/data -m ${mode} -w stop`);
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async exec(command: string): Promise<void> {
    if (this.asUser === undefined) await run('sh', ['-c', command]);
    else await run('su', [this.asUser, '-c', command]);
  }
}
