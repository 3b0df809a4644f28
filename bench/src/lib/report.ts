/** Shared helpers for benchmark programs: timing, repetition, figures and the machine line. */

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

/** Describes the machine in one line, printed with every benchmark. */
export async function machineLine(): Promise<string> {
  const os = await import('node:os');
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `node ${process.version}, ${os.cpus().length} x ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
