/** Shared helpers for benchmark programs: timing, repetition, and a printed comparison table. */

export interface Comparison {
  readonly name: string;
  /** Operations per second of Engram. */
  readonly engram: number;
  /** Operations per second of the baseline doing the same work in the same run. */
  readonly baseline: number;
  readonly unit: string;
}

/** Runs `run` (which returns how many operations it did) `warmup + runs` times; returns the median ops/s. */
export async function opsPerSecond(run: () => Promise<number> | number, runs = 5, warmup = 1): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const start = performance.now();
    const ops = await run();
    const seconds = (performance.now() - start) / 1000;
    if (i >= warmup) rates.push(ops / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

export function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** Prints one row per comparison: Engram, baseline, and Engram as a fraction of the baseline. */
export function printComparisons(title: string, rows: readonly Comparison[]): void {
  const lines = [
    ['workload', 'engram', 'baseline', 'engram/baseline'],
    ...rows.map((r) => [r.name, `${formatRate(r.engram)} ${r.unit}`, `${formatRate(r.baseline)} ${r.unit}`, `${(r.engram / r.baseline).toFixed(2)}x`]),
  ];
  const widths = lines[0]!.map((_, col) => Math.max(...lines.map((l) => l[col]!.length)));
  console.log(`\n${title}`);
  for (const [i, line] of lines.entries()) {
    console.log(line.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Describes the machine in one line, printed with every benchmark. */
export async function machineLine(): Promise<string> {
  const os = await import('node:os');
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `node ${process.version}, ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
