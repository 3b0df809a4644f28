import type { RawStore } from './naive.js';
import type { BenchEvent } from './workload.js';
import { fileMiB, perSecond, pidOf, roundOf, runOf, yieldToEventLoop } from './workload.js';

/** Anything that stores a list of events in one call, synchronously. */
export interface Writer {
  write(events: readonly BenchEvent[]): void;
}

/** A store under test. `replay` delivers events `from..to` of one id and returns how many. */
export interface Contender {
  readonly label: string;
  readonly path: string;
  readonly writer: Writer;
  replay(persistenceId: string, from: number, to: number): Promise<number>;
}

/**
 * Every contender does the same steps, a slice at a time in turn, so that load from other
 * processes on the (shared, 2-core) machine hits all of them alike. `step` returns what it counts
 * and the wall-clock milliseconds to charge; CPU time of the process is charged around the step
 * (it includes building the step's input, which is the same for every contender).
 */
async function interleaved(
  contenders: readonly Contender[],
  steps: number,
  slice: number,
  step: (c: Contender, i: number) => Promise<[count: number, ms: number]>,
): Promise<{ readonly ms: number[]; readonly cpuMs: number[]; readonly counts: number[] }> {
  const ms = contenders.map(() => 0);
  const cpuMs = contenders.map(() => 0);
  const counts = contenders.map(() => 0);
  for (let first = 0; first < steps; first += slice) {
    for (const [k, c] of contenders.entries()) {
      for (let i = first; i < Math.min(steps, first + slice); i++) {
        const cpu = process.cpuUsage();
        const [count, took] = await step(c, i);
        const used = process.cpuUsage(cpu);
        cpuMs[k]! += (used.user + used.system) / 1000;
        counts[k]! += count;
        ms[k]! += took;
      }
    }
  }
  return { ms, cpuMs, counts };
}

/** Group commits of one event from each of `ids` actors, `rounds` times. */
export async function compareWrites(contenders: readonly Contender[], ids: number, rounds: number): Promise<void> {
  console.log(`\nwrite ${(ids * rounds).toLocaleString('en-US')} events: ${rounds} calls of ${ids} one-event writes (${ids} ids); rate per quarter as the file grows`);
  const windows = 4;
  const perWindow = Math.ceil(rounds / windows);
  const totals = contenders.map(() => ({ ms: 0, cpuMs: 0, count: 0, figures: [] as string[] }));
  for (let from = 0; from < rounds; from += perWindow) {
    const { ms, cpuMs, counts } = await interleaved(contenders, Math.min(perWindow, rounds - from), 5, async (c, i) => {
      const events = roundOf(ids, from + i);
      const start = performance.now();
      c.writer.write(events);
      return [events.length, performance.now() - start];
    });
    contenders.forEach((_, k) => {
      totals[k]!.ms += ms[k]!;
      totals[k]!.cpuMs += cpuMs[k]!;
      totals[k]!.count += counts[k]!;
      totals[k]!.figures.push(perSecond(counts[k]!, ms[k]!));
    });
  }
  contenders.forEach((c, k) => {
    const t = totals[k]!;
    console.log(`  ${pad(perSecond(t.count, t.ms))} ${c.label}  [${t.figures.join(', ')}; ` +
      `per CPU-second ${perSecond(t.count, t.cpuMs)}; ${fileMiB(c.path)} MiB]`);
  });
}

/** Replays each of `pids` whole, in slices of `slice` ids per contender in turn. */
export async function compareReplayMany(contenders: readonly Contender[], pids: readonly string[], slice = 50): Promise<void> {
  console.log(`\nreplay ${pids.length.toLocaleString('en-US')} ids one after another, each whole, JSON.parse of every payload`);
  const { ms, cpuMs, counts } = await interleaved(contenders, pids.length, slice, async (c, i) => {
    const start = performance.now();
    const count = await c.replay(pids[i]!, 1, Number.MAX_SAFE_INTEGER);
    return [count, performance.now() - start];
  });
  contenders.forEach((c, k) =>
    console.log(`  ${pad(perSecond(counts[k]!, ms[k]!))} ${c.label}  [${counts[k]!.toLocaleString('en-US')} events in ` +
      `${(ms[k]! / 1000).toFixed(2)} s; per CPU-second ${perSecond(counts[k]!, cpuMs[k]!)}]`),
  );
}

/** Replays `count` events of one id in ranges of `range`, contenders in turn per range. */
export async function compareReplayOne(contenders: readonly Contender[], pid: string, count: number, range = 100_000): Promise<void> {
  console.log(`\nreplay one id with ${count.toLocaleString('en-US')} events, JSON.parse of every payload`);
  const { ms, cpuMs, counts } = await interleaved(contenders, Math.ceil(count / range), 1, async (c, i) => {
    const start = performance.now();
    const delivered = await c.replay(pid, i * range + 1, Math.min(count, (i + 1) * range));
    return [delivered, performance.now() - start];
  });
  contenders.forEach((c, k) =>
    console.log(`  ${pad(perSecond(counts[k]!, ms[k]!))} ${c.label}  [per CPU-second ${perSecond(counts[k]!, cpuMs[k]!)}]`),
  );
}

/** Writes `count` events of one actor in transactions of `perTxn` (not timed: setup for a replay). */
export function fillOne(store: Writer, pid: string, count: number, perTxn = 10_000): void {
  for (let seq = 1; seq <= count; seq += perTxn) store.write(runOf(pid, seq, Math.min(perTxn, count - seq + 1)));
}

/** Replays a raw store in pages, parsing each payload, yielding to the event loop between pages. */
export async function replayRaw(store: RawStore, pid: string, from: number, to: number, pageSize: number): Promise<number> {
  let next = from;
  let count = 0;
  for (;;) {
    const rows = store.page(pid, next, pageSize);
    for (const row of rows) {
      if ((row[store.seqIndex] as number) > to) return count;
      JSON.parse(row[store.payloadIndex] as string);
      count++;
    }
    if (rows.length < pageSize) return count;
    next = (rows[rows.length - 1]![store.seqIndex] as number) + 1;
    await yieldToEventLoop();
  }
}

/** A raw store as a contender. */
export function rawContender(label: string, path: string, store: RawStore, pageSize: number): Contender {
  return { label, path, writer: store, replay: (pid, from, to) => replayRaw(store, pid, from, to, pageSize) };
}

export function allPids(ids: number): string[] {
  return Array.from({ length: ids }, (_, i) => pidOf(i));
}

function pad(figure: string): string {
  return figure.padStart(10);
}
