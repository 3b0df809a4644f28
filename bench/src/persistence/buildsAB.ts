/**
 * The engines of several built checkouts on one write shape, alternating, each run in a fresh
 * process of its own build: 1,000 actors, 200 commands each (one event per command, told), on
 * SQLite or PostgreSQL. For "did this path get slower since commit X" in one session on one
 * machine, where figures of separate runs would mostly show the machine.
 *
 *   node bench/dist/persistence/buildsAB.js <sqlite|postgres> <rounds> <repo dir>...
 *
 * Each <repo dir> is a built checkout whose bench/dist/persistence/persistThroughput.js exports
 * `engramWriteRate` (every commit since the bench had it). Prints each run and the medians.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { postgresUrl } from '../postgres/common.js';
import { tempDir } from '../sqlite/workload.js';
import { medianBy } from './postgres/median.js';

interface Run {
  readonly rate: number;
  readonly calls: number;
  readonly cpuUsPerEvent: number;
}

const shape = { name: '1,000 actors', actors: 1_000, perActor: 200, mode: 'persist', rawBatch: 1_000, inFlight: 200 } as const;
const events = shape.actors * shape.perActor;

/** In the child: one run of `repo`'s engine. */
async function child(store: string, repo: string): Promise<Run> {
  const from = (path: string) => import(pathToFileURL(join(repo, path)).href);
  const { engramWriteRate } = await from('bench/dist/persistence/persistThroughput.js');
  const cpu = process.cpuUsage();
  let figure: { rate: number; calls: number };
  if (store === 'sqlite') {
    const { SqliteJournal, SqliteSnapshotStore } = await from('packages/sqlite/dist/index.js');
    const tmp = tempDir('builds-ab');
    try {
      const path = join(tmp.dir, 'engram.db');
      figure = await engramWriteRate(shape, () => ({ journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) }));
    } finally {
      tmp.remove();
    }
  } else {
    const { BenchSchemas } = await from('bench/dist/persistence/postgres/BenchSchemas.js');
    const { engramPostgres } = await from('bench/dist/persistence/postgres/engramStores.js');
    const schemas = new BenchSchemas(postgresUrl);
    try {
      const schema = await schemas.fresh('engram_builds_ab');
      figure = await engramWriteRate(shape, () => engramPostgres(schemas.url, schema));
    } finally {
      await schemas.close();
    }
  }
  const used = process.cpuUsage(cpu);
  return { rate: figure.rate, calls: figure.calls, cpuUsPerEvent: (used.user + used.system) / events };
}

function inChild(store: string, repo: string): Promise<Run> {
  return new Promise((done, fail) => {
    // This program again, in a child that imports `repo`'s own modules (and through them its dependencies).
    const self = process.argv[1]!;
    execFile(process.execPath, ['--expose-gc', self, '--child', store, repo], { env: { ...process.env, NODE_ENV: 'production' } }, (error, stdout, stderr) => {
      if (error !== null) return fail(new Error(`the run of ${repo} failed: ${stderr.trim() || error.message}`, { cause: error }));
      const lines = stdout.trim().split('\n');
      done(JSON.parse(lines[lines.length - 1] ?? 'null') as Run);
    });
  });
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  console.log(JSON.stringify(await child(args[1]!, args[2]!)));
} else {
  const [store, roundsArg, ...repoArgs] = args;
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`the store must be sqlite or postgres, got "${store}"`);
  const rounds = Number(roundsArg);
  if (!Number.isSafeInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, got "${roundsArg}"`);
  if (repoArgs.length === 0) throw new Error('usage: buildsAB.js <sqlite|postgres> <rounds> <repo dir>...');
  const repos = repoArgs.map((r) => resolve(r));
  const runs = new Map<string, Run[]>(repos.map((r) => [r, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const repo of repos) {
      const run = await inChild(store, repo);
      runs.get(repo)!.push(run);
      console.log(`round ${round} ${repo}: ${Math.round(run.rate)} ev/s, ${run.calls} calls, ${run.cpuUsPerEvent.toFixed(1)} µs CPU/event`);
    }
  }
  console.log(`\n${store}, ${shape.name}, ${shape.perActor} commands each, medians of ${rounds}:`);
  for (const [repo, list] of runs) {
    const rate = medianBy(list, (r) => r.rate).rate;
    const cpu = medianBy(list, (r) => r.cpuUsPerEvent).cpuUsPerEvent;
    console.log(`${repo}: ${Math.round(rate)} ev/s, ${cpu.toFixed(1)} µs CPU/event`);
  }
}
