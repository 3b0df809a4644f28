import { runClosedLoop, createPool } from './closedLoop.js';
import { Meter, type ErrorKind, type Interval } from './Meter.js';
import { formatCount, formatDuration, formatMs, formatRate, loadLine, printErrors, printTable, rate } from './print.js';

export interface OpeningOptions {
  readonly url: string;
  readonly accounts: number;
  readonly connections: number;
  readonly boundMs: number;
  /** Prints progress; false for the baseline, which only reports its total. */
  readonly verbose: boolean;
}

/** Opens taken as they completed: the count done (201 or error) and when. */
export interface Checkpoint {
  readonly done: number;
  readonly seconds: number;
}

export interface Slice {
  /** Opens done (201 or error) at the slice's start and end. */
  readonly from: number;
  readonly to: number;
  readonly interval: Interval;
}

export interface OpeningResult {
  /** The ids that got a 201, the accounts the deposit runs use. */
  readonly ids: readonly string[];
  readonly target: number;
  readonly stoppedByBound: boolean;
  /** One per 10% of the target, in order; the last one partial when the bound stopped the phase. */
  readonly slices: readonly Slice[];
  readonly whole: Interval;
  readonly errors: readonly ErrorKind[];
  /** About every 0.5% of the target, for the extrapolation when the bound stopped the phase. */
  readonly checkpoints: readonly Checkpoint[];
}

export function accountId(index: number): string {
  return `acct-${String(index).padStart(7, '0')}`;
}

/** POST /accounts for accounts 1..N with `connections` in a closed loop, until all are done or the bound is reached. */
export async function openAccounts(options: OpeningOptions): Promise<OpeningResult> {
  const pool = createPool(options.url, options.connections);
  const startedAt = performance.now();
  const meter = new Meter(startedAt);
  const sliceSize = Math.max(1, Math.ceil(options.accounts / 10));
  const checkpointSize = Math.max(1, Math.ceil(options.accounts / 200));
  const ids: string[] = [];
  const slices: Slice[] = [];
  const checkpoints: Checkpoint[] = [];
  let sent = 0;
  let done = 0;
  let lastMinuteDone = 0;
  const progress = setInterval(() => {
    if (!options.verbose) return;
    console.log(
      `  ${formatDuration((performance.now() - startedAt) / 1000)}: ${formatCount(done)} opens done, ${formatRate((done - lastMinuteDone) / 60)}/s in the last minute, load ${loadLine()}`,
    );
    lastMinuteDone = done;
  }, 60_000);
  try {
    await runClosedLoop(pool, {
      connections: options.connections,
      stopAt: startedAt + options.boundMs,
      next: () => {
        if (sent >= options.accounts) return undefined;
        sent++;
        return { path: '/accounts', body: JSON.stringify({ id: accountId(sent), owner: `Owner ${sent}` }) };
      },
      onOutcome: (request, outcome, latencyNs) => {
        meter.record(outcome, latencyNs);
        done++;
        if (outcome.kind === 'status' && outcome.status === 201) ids.push((JSON.parse(request.body) as { id: string }).id);
        if (done % checkpointSize === 0 || done === options.accounts) checkpoints.push({ done, seconds: (performance.now() - startedAt) / 1000 });
        if (done % sliceSize === 0 || done === options.accounts) {
          const slice = meter.cut();
          slices.push({ from: slices.at(-1)?.to ?? 0, to: done, interval: slice });
          if (options.verbose) {
            console.log(
              `  ${Math.round((100 * done) / options.accounts)}%: ${formatCount(done)} done, ${formatRate(rate(slice))} opens/s over this slice, p99 ${formatMs(slice.p99Ms)} ms, errors ${slice.errors}, load ${loadLine()}`,
            );
          }
        }
      },
    });
  } finally {
    clearInterval(progress);
    await pool.close();
  }
  const lastSliceEnd = slices.at(-1)?.to ?? 0;
  if (done > lastSliceEnd) slices.push({ from: lastSliceEnd, to: done, interval: meter.cut() });
  return {
    ids,
    target: options.accounts,
    stoppedByBound: done < options.accounts,
    slices,
    whole: meter.whole(),
    errors: meter.errorKinds(),
    checkpoints,
  };
}

/**
 * Time to open all `target` accounts if the time per open keeps growing as it did: a least-squares
 * line through the seconds per open of each checkpoint interval against the accounts open at its
 * middle, integrated to the target. Undefined with too few checkpoints.
 */
export function extrapolateSeconds(checkpoints: readonly Checkpoint[], target: number): { readonly seconds: number; readonly msPerOpenAt: (n: number) => number } | undefined {
  // The first interval holds the service's warm-up; leave it out.
  const points: { x: number; y: number }[] = [];
  for (let i = 2; i < checkpoints.length; i++) {
    const a = checkpoints[i - 1]!;
    const b = checkpoints[i]!;
    if (b.done > a.done) points.push({ x: (a.done + b.done) / 2, y: (b.seconds - a.seconds) / (b.done - a.done) });
  }
  if (points.length < 3) return undefined;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  const slope = sxx === 0 ? 0 : Math.max(0, points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0) / sxx);
  const intercept = meanY - slope * meanX;
  return { seconds: intercept * target + (slope * target * target) / 2, msPerOpenAt: (n) => 1000 * (intercept + slope * n) };
}

export function printOpening(result: OpeningResult): void {
  const rows = [['slice of the accounts', 'opens/s', 'p50 ms', 'p99 ms', 'errors']];
  const percent = (count: number): string => `${Math.round((100 * count) / result.target)}%`;
  for (const { from, to, interval } of result.slices) {
    rows.push([`${percent(from)}-${percent(to)} (${formatCount(from)}-${formatCount(to)})`, formatRate(rate(interval)), formatMs(interval.p50Ms), formatMs(interval.p99Ms), formatCount(interval.errors)]);
  }
  printTable(rows);
  const { whole } = result;
  console.log(
    `  opened ${formatCount(result.ids.length)} of ${formatCount(result.target)} in ${formatDuration(whole.seconds)} (${formatRate(rate(whole))} opens/s overall, p50 ${formatMs(whole.p50Ms)} ms, p99 ${formatMs(whole.p99Ms)} ms)`,
  );
  if (result.stoppedByBound) {
    const done = whole.ok + whole.errors;
    console.log(
      `  STOPPED BY THE BOUND (--open-minutes) after ${formatCount(done)} opens (${formatCount(whole.errors)} of them errors); the deposit runs use the ${formatCount(result.ids.length)} accounts opened`,
    );
    // A floor that needs no model: the rate of opening has only been falling.
    const slowest = Math.min(...result.slices.slice(0, -1).map((slice) => rate(slice.interval)));
    if (Number.isFinite(slowest)) {
      console.log(
        `  at the rate of the slowest full slice (${formatRate(slowest)} opens/s), the other ${formatCount(result.target - done)} would take at least ${formatDuration((result.target - done) / slowest)} more`,
      );
    }
    const fit = extrapolateSeconds(result.checkpoints, result.target);
    if (fit === undefined) console.log('  too few checkpoints to extrapolate the time to open them all');
    else {
      console.log(
        `  EXTRAPOLATED, not measured: opening all ${formatCount(result.target)} would take about ${formatDuration(fit.seconds)} ` +
          `(a line through the time per open against the accounts open: ${fit.msPerOpenAt(0).toFixed(2)} ms at 0, ` +
          `${fit.msPerOpenAt(done).toFixed(2)} ms at ${formatCount(done)}, ${fit.msPerOpenAt(result.target).toFixed(2)} ms at ${formatCount(result.target)})`,
      );
    }
  }
  printErrors('opening', result.errors);
}
