export interface MemoryPeak {
  readonly peakRssGrowthMiB: number;
  readonly peakHeapGrowthMiB: number;
}

const MiB = 1024 * 1024;

/**
 * Runs `work`, timing it and sampling memory every 10 ms (as recoverAll does for the engine),
 * after a full GC when the process runs with --expose-gc.
 */
export async function sampleMemory<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peak: MemoryPeak }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  };
  const sampler = setInterval(sample, 10);
  const start = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - start) / 1000;
    sample();
    return {
      result,
      seconds,
      peak: { peakRssGrowthMiB: (peakRss - before.rss) / MiB, peakHeapGrowthMiB: (peakHeap - before.heapUsed) / MiB },
    };
  } finally {
    clearInterval(sampler);
  }
}
