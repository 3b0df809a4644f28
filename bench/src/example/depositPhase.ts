import { cpuUsage } from 'node:process';
import { createPool, runClosedLoop, type LoadRequest } from './closedLoop.js';
import { Meter, type ErrorKind, type Interval } from './Meter.js';
import { formatCount, formatMs, formatRate, loadLine, printErrors, rate } from './print.js';
import type { ServiceProcess } from './ServiceProcess.js';

export interface DepositOptions {
  readonly url: string;
  readonly ids: readonly string[];
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Length of each reported interval (the last one ends when the last answer is in). */
  readonly intervalSeconds: number;
  /** Stops sending once it has exited, and reports its CPU and memory per interval. */
  readonly service: ServiceProcess;
  readonly verbose: boolean;
}

export interface DepositResult {
  readonly connections: number;
  readonly intervals: readonly Interval[];
  readonly whole: Interval;
  /**
   * CPU seconds the service used during the measured run (NaN without /proc). Successes per CPU
   * second move less than successes per second when other work on the machine takes CPU.
   */
  readonly serviceCpuSeconds: number;
  readonly errors: readonly ErrorKind[];
  readonly warmup: Interval;
  readonly warmupErrors: readonly ErrorKind[];
  readonly serviceExited: boolean;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
}

const depositBody = JSON.stringify({ amount: 100 });

/** POST /accounts/:id/deposits to uniformly random accounts of `ids`, a warm-up first, then the measured run cut into intervals. */
export async function runDeposits(options: DepositOptions): Promise<DepositResult> {
  const { ids, service } = options;
  const pool = createPool(options.url, options.connections);
  const next = (): LoadRequest | undefined => {
    if (!service.running) return undefined;
    const id = ids[Math.floor(Math.random() * ids.length)]!;
    return { path: `/accounts/${id}/deposits`, body: depositBody };
  };
  try {
    const warmupMeter = new Meter();
    await runClosedLoop(pool, {
      connections: options.connections,
      stopAt: performance.now() + options.warmupSeconds * 1000,
      next,
      onOutcome: (_request, outcome, latencyNs) => warmupMeter.record(outcome, latencyNs),
    });
    const warmup = warmupMeter.whole();

    const loadAtStart = loadLine();
    const startedAt = performance.now();
    const meter = new Meter(startedAt);
    const intervals: Interval[] = [];
    const usageAtStart = service.usage();
    let usage = { service: usageAtStart, bench: cpuUsage() };
    let serviceCpuSeconds = Number.NaN;
    const report = (interval: Interval): void => {
      intervals.push(interval);
      const now = { service: service.usage(), bench: cpuUsage() };
      if (now.service !== undefined && usageAtStart !== undefined) serviceCpuSeconds = now.service.cpuSeconds - usageAtStart.cpuSeconds;
      if (options.verbose) {
        const cpu = now.service !== undefined && usage.service !== undefined ? now.service.cpuSeconds - usage.service.cpuSeconds : Number.NaN;
        const serviceCpu = !(cpu > 0) ? '-' : `${Math.round((100 * cpu) / interval.seconds)}% (${formatRate(interval.ok / cpu)} deposits per CPU-s)`;
        const benchCpu = Math.round((now.bench.user + now.bench.system - usage.bench.user - usage.bench.system) / 1e4 / interval.seconds);
        const rss = now.service === undefined ? '-' : `${Math.round(now.service.rssBytes / 2 ** 20)} MiB`;
        console.log(
          `  ${String(intervals.length).padStart(3)}: ${formatRate(rate(interval)).padStart(7)} deposits/s  p50 ${formatMs(interval.p50Ms)} ms  p99 ${formatMs(interval.p99Ms)} ms  errors ${interval.errors}` +
            `  | service CPU ${serviceCpu}, RSS ${rss}; load generator CPU ${benchCpu}%; load ${loadLine()}`,
        );
      }
      usage = now;
    };
    const count = Math.max(1, Math.ceil(options.seconds / options.intervalSeconds));
    let cut = 1;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      if (cut >= count) return;
      timer = setTimeout(() => {
        report(meter.cut());
        cut++;
        schedule();
      }, startedAt + cut * options.intervalSeconds * 1000 - performance.now());
    };
    schedule();
    try {
      await runClosedLoop(pool, {
        connections: options.connections,
        stopAt: startedAt + options.seconds * 1000,
        next,
        onOutcome: (_request, outcome, latencyNs) => meter.record(outcome, latencyNs),
      });
    } finally {
      clearTimeout(timer);
    }
    report(meter.cut());
    return {
      connections: options.connections,
      intervals,
      whole: meter.whole(),
      serviceCpuSeconds,
      errors: meter.errorKinds(),
      warmup,
      warmupErrors: warmupMeter.errorKinds(),
      serviceExited: !service.running,
      loadAtStart,
      loadAtEnd: loadLine(),
    };
  } finally {
    await pool.close();
  }
}

/** Last interval's rate over the first's: 1.0 when the service keeps its pace as the log grows. */
export function lastOverFirst(result: DepositResult): number {
  const first = result.intervals[0];
  const last = result.intervals.at(-1);
  return first === undefined || last === undefined || result.intervals.length < 2 ? Number.NaN : rate(last) / rate(first);
}

export function printDepositRun(label: string, result: DepositResult): void {
  const { whole } = result;
  const ratio = lastOverFirst(result);
  console.log(
    `  ${label}: ${formatRate(rate(whole))} deposits/s over ${formatCount(whole.ok)} deposits, p50 ${formatMs(whole.p50Ms)} ms, p99 ${formatMs(whole.p99Ms)} ms, errors ${formatCount(whole.errors)}` +
      (Number.isNaN(ratio) ? '' : `, last interval / first ${ratio.toFixed(2)}`),
  );
  if (result.warmup.errors > 0) printErrors(`${label}, warm-up`, result.warmupErrors);
  printErrors(label, result.errors);
  if (result.serviceExited) console.log(`  THE SERVICE EXITED during ${label}; the figures stop there`);
}
