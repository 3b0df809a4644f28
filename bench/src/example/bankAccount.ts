/**
 * The bank-account example under HTTP load: the service in a child process on a fresh DATA_DIR,
 * N accounts opened, then one deposit run per connection count to uniformly random accounts,
 * reported per interval (the last against the first shows whether it slows down as it grows).
 * Baseline in the same run, before and after the example (other work on the machine moves it): a
 * trivial Hono server on the same HTTP stack (baselineServer.ts) under the same load generator. Prints figures; never fails on time.
 *
 *   npm run bench:example -- --app <examples/bank-account/dist/main.js> [--accounts 100000] [--connections 1,20,100] [--minutes 10]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine } from '../lib/report.js';
import { lastOverFirst, printDepositRun, runDeposits, type DepositResult } from './depositPhase.js';
import type { Interval } from './Meter.js';
import { openAccounts, printOpening, type OpeningResult } from './openingPhase.js';
import { parseOptions, printUsage, type BenchOptions } from './options.js';
import { formatCount, formatDuration, formatMs, formatRate, loadLine, printTable, rate } from './print.js';
import { ServiceProcess } from './ServiceProcess.js';

const startDeadlineMs = 120_000;
const stopDeadlineMs = 60_000;
const baselineWarmupSeconds = 5;

let active: ServiceProcess | undefined;

interface Measured {
  readonly opening: OpeningResult;
  readonly deposits: readonly DepositResult[];
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') return printUsage();
  const options = parsed;
  const startedAt = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), 'engram-bank-bench-'));
  console.log(`bank-account example under HTTP load; ${await machineLine()}; load ${loadLine()}`);
  // The service inherits this environment; Engram deep-freezes states unless NODE_ENV is production.
  console.log(`app: ${options.app} (${describeCheckout(options.app)}), NODE_ENV=${process.env['NODE_ENV'] ?? '(unset)'}`);
  console.log(
    `accounts ${formatCount(options.accounts)} (opened with ${options.openConnections} connections, at most ${options.openMinutes} min), ` +
      `deposit runs of ${options.minutes} min with ${options.connections.join(', ')} connections in turn on the same service, ` +
      `reported per ${options.intervalSeconds} s, each after ${options.warmupSeconds} s of warm-up; work dir ${workDir}`,
  );
  const onSignal = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: stopping the service under test`);
    void (active?.stop(5_000) ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let keep = options.keepData;
  try {
    const baselines: Measured[] = [];
    if (options.baselineSeconds > 0) baselines.push(await measureBaseline(options, workDir, 'before the example'));
    const app = await measureApp(options, workDir);
    if (options.baselineSeconds > 0 && !app.deposits.some((result) => result.serviceExited)) {
      baselines.push(await measureBaseline(options, workDir, 'after the example'));
    }
    printSummary(options, app, baselines);
    if (app.deposits.some((result) => result.serviceExited)) {
      // Not about time: a service that died under load is a failed run, and its log says why.
      process.exitCode = 1;
      keep = true;
    }
  } catch (error) {
    keep = true;
    throw error;
  } finally {
    if (keep) console.log(`kept ${workDir} (the service's DATA_DIR and logs)`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`\nwhole run: ${formatDuration((performance.now() - startedAt) / 1000)}; load ${loadLine()}`);
}

async function measureBaseline(options: BenchOptions, workDir: string, when: string): Promise<Measured> {
  console.log(`\n## Baseline ${when}: Hono on @hono/node-server answering the same routes from a Map (no Engram), ${options.baselineSeconds} s per figure; load ${loadLine()}`);
  const script = fileURLToPath(new URL('./baselineServer.js', import.meta.url));
  const { service, url } = await ServiceProcess.start({ script, env: { PORT: '0' }, logFile: join(workDir, `baseline ${when}.log`.replaceAll(' ', '-')), startDeadlineMs });
  active = service;
  try {
    const opening = await openAccounts({ url, accounts: options.accounts, connections: options.openConnections, boundMs: options.baselineSeconds * 1000, verbose: false });
    console.log(`  opening: ${formatRate(rate(opening.whole))} opens/s (${formatCount(opening.whole.ok)} opened, errors ${opening.whole.errors})`);
    const deposits: DepositResult[] = [];
    for (const connections of options.connections) {
      const result = await runDeposits({
        url,
        ids: opening.ids,
        connections,
        warmupSeconds: Math.min(options.warmupSeconds, baselineWarmupSeconds),
        seconds: options.baselineSeconds,
        intervalSeconds: options.baselineSeconds,
        service,
        verbose: false,
      });
      printDepositRun(`${connections} connections`, result);
      deposits.push(result);
    }
    return { opening, deposits };
  } finally {
    await service.stop(stopDeadlineMs);
    active = undefined;
  }
}

async function measureApp(options: BenchOptions, workDir: string): Promise<Measured> {
  console.log(`\n## The example (${options.app})`);
  const dataDir = join(workDir, 'data');
  const { service, url } = await ServiceProcess.start({
    script: options.app,
    env: { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
    logFile: join(workDir, 'service.log'),
    startDeadlineMs,
  });
  active = service;
  try {
    console.log(`  listening on ${url} (pid ${service.pid}), log in ${join(workDir, 'service.log')}`);
    console.log(`\n### Opening ${formatCount(options.accounts)} accounts with ${options.openConnections} connections; load ${loadLine()}`);
    const opening = await openAccounts({ url, accounts: options.accounts, connections: options.openConnections, boundMs: options.openMinutes * 60_000, verbose: true });
    printOpening(opening);
    service.assertRunning();
    const deposits: DepositResult[] = [];
    for (const connections of options.connections) {
      console.log(`\n### Deposits, ${connections} connections, ${options.minutes} min over ${formatCount(opening.ids.length)} accounts; load ${loadLine()}`);
      const result = await runDeposits({
        url,
        ids: opening.ids,
        connections,
        warmupSeconds: options.warmupSeconds,
        seconds: options.minutes * 60,
        intervalSeconds: options.intervalSeconds,
        service,
        verbose: true,
      });
      printDepositRun(`${connections} connections`, result);
      deposits.push(result);
      if (result.serviceExited) break;
    }
    console.log(`  store: ${describeStore(dataDir)}`);
    return { opening, deposits };
  } finally {
    const stopped = await service.stop(stopDeadlineMs);
    console.log(`  service stopped in ${formatDuration(stopped.ms / 1000)}${stopped.graceful ? '' : ' (SIGKILL: it did not stop on SIGTERM in time)'}`);
    active = undefined;
  }
}

function printSummary(options: BenchOptions, app: Measured, baselines: readonly Measured[]): void {
  console.log(`\n## Summary (${describeCheckout(options.app)})`);
  const { opening } = app;
  // Both baselines (before and after the example) are shown; "of baseline" is against their mean.
  const baselineRates = (pick: (measured: Measured) => Interval): { readonly text: string; readonly mean: number | undefined } => {
    const rates = baselines.map((measured) => rate(pick(measured)));
    return { text: rates.length === 0 ? '-' : rates.map(formatRate).join(' / '), mean: rates.length === 0 ? undefined : rates.reduce((a, b) => a + b, 0) / rates.length };
  };
  const ofBaseline = (value: number, base: number | undefined): string => (base === undefined ? '-' : `${((100 * value) / base).toFixed(0)}%`);
  const baseOpen = baselineRates((measured) => measured.opening.whole);
  console.log(
    `opening: ${formatCount(opening.ids.length)} of ${formatCount(opening.target)} accounts in ${formatDuration(opening.whole.seconds)}, ${formatRate(rate(opening.whole))} opens/s` +
      ` (first slice ${formatRate(rate(opening.slices[0]!.interval))}, last ${formatRate(rate(opening.slices.at(-1)!.interval))}; baseline ${baseOpen.text}, ${ofBaseline(rate(opening.whole), baseOpen.mean)})` +
      (opening.stoppedByBound ? ' STOPPED BY THE BOUND' : ''),
  );
  const header = ['connections', 'deposits/s', 'first interval', 'last interval', 'last / first', 'p50 ms', 'p99 ms', 'errors', 'deposits per service CPU-s', 'baseline deposits/s (before / after)', 'of baseline'];
  const rows = [header];
  for (const [i, result] of app.deposits.entries()) {
    const base = baselineRates((measured) => measured.deposits[i]!.whole);
    rows.push([
      String(result.connections),
      formatRate(rate(result.whole)),
      formatRate(rate(result.intervals[0]!)),
      formatRate(rate(result.intervals.at(-1)!)),
      Number.isNaN(lastOverFirst(result)) ? '-' : lastOverFirst(result).toFixed(2),
      formatMs(result.whole.p50Ms),
      formatMs(result.whole.p99Ms),
      formatCount(result.whole.errors + result.warmup.errors),
      formatRate(result.whole.ok / result.serviceCpuSeconds),
      base.text,
      ofBaseline(rate(result.whole), base.mean),
    ]);
  }
  printTable(rows);
  for (const result of app.deposits) console.log(`  ${result.connections} connections: load ${result.loadAtStart} at the start, ${result.loadAtEnd} at the end`);
  const errors =
    opening.whole.errors +
    app.deposits.reduce((sum, result) => sum + result.whole.errors + result.warmup.errors, 0) +
    baselines.reduce((sum, measured) => sum + measured.opening.whole.errors + measured.deposits.reduce((all, result) => all + result.whole.errors + result.warmup.errors, 0), 0);
  if (errors > 0) console.log(`THIS RUN HAD ${formatCount(errors)} ERRORS (non-2xx answers or failed requests, warm-ups and baseline included; kinds printed above)`);
  else console.log('no errors: every request got a 2xx');
  console.log(`latency p50/p99 of the whole run: ${app.deposits.map((d) => `${d.connections} conn ${formatMs(d.whole.p50Ms)}/${formatMs(d.whole.p99Ms)} ms`).join(', ')}`);
}

function describeCheckout(app: string): string {
  const dir = dirname(dirname(app));
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
    const checkout = git('log', '-1', '--format=%h');
    const example = git('log', '-1', '--format=%h', '--', '.');
    const dirty = git('status', '--porcelain', '--', '.') !== '';
    return `checkout ${checkout}, last change of the example ${example}${dirty ? ', with uncommitted changes under its directory' : ''}`;
  } catch {
    return 'not in a git checkout';
  }
}

function describeStore(dataDir: string): string {
  const sizes = ['engram.db', 'engram.db-wal'].map((name) => {
    try {
      return `${name} ${(statSync(join(dataDir, name)).size / 2 ** 20).toFixed(1)} MiB`;
    } catch {
      return `${name} absent`;
    }
  });
  return sizes.join(', ');
}

await main();
