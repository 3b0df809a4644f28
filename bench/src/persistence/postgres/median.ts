/** The middle run by `rate` (the lower middle for an even count). */
export function medianBy<T>(runs: readonly T[], rate: (run: T) => number): T {
  if (runs.length === 0) throw new Error('median of no runs');
  const sorted = [...runs].sort((a, b) => rate(a) - rate(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Runs `run` `times` times, one after the other. */
export async function repeat<T>(times: number, run: (rep: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let rep = 0; rep < times; rep++) results.push(await run(rep));
  return results;
}
