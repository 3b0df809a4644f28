/** How many events a measured run handled and how long it took. */
export interface Rate {
  readonly count: number;
  readonly seconds: number;
  /** Set when the run was stopped at its time budget before it handled all of these. */
  readonly stoppedShortOf?: number;
}

/** A time budget of a measured run: a pathologically slow run is stopped and reported as such, so a full bench stays bounded. */
export const runBudgetSeconds = Number(process.env['RUN_BUDGET_SECONDS'] ?? '60');

export function perSecond(rate: Rate): number {
  return rate.count / rate.seconds;
}

/** The median run by events per second (the lower middle for an even count). */
export function medianRate(runs: readonly Rate[]): Rate {
  if (runs.length === 0) throw new Error('the median of no runs');
  const sorted = [...runs].sort((a, b) => perSecond(a) - perSecond(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The value below which `fraction` of the samples lie (nearest rank); samples need not be sorted. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/** Whether a variant needs no more runs: one was stopped at the budget, a repeat would only cost the same again. */
export function stoppedBefore(runs: readonly Rate[]): boolean {
  return runs.some((run) => run.stoppedShortOf !== undefined);
}
