import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The workload every SQLite benchmark here runs, so the figures of different programs compare:
 * group commits of one event from each of `ids` actors (the engine's tick with many busy actors),
 * and replays of one actor's whole history.
 */
export interface BenchEvent {
  readonly persistenceId: string;
  readonly sequenceNr: number;
  readonly payload: string;
  readonly manifest: string;
  readonly writerUuid: string;
  readonly timestamp: number;
  readonly tags: readonly string[];
}

/** A 131-byte JSON event, as in the reference measurements. */
export function payloadFor(persistenceId: string, sequenceNr: number): string {
  const base = JSON.stringify({ type: 'Deposited', account: persistenceId, seq: sequenceNr, amount: 100, note: '' });
  return JSON.stringify({
    type: 'Deposited',
    account: persistenceId,
    seq: sequenceNr,
    amount: 100,
    note: 'x'.repeat(Math.max(0, 131 - base.length)),
  });
}

export const WRITER_UUID = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';

export function pidOf(index: number): string {
  return `Account|${index}`;
}

/** Round `round` (0-based) of a group-commit workload: one event for each of `ids` actors. */
export function roundOf(ids: number, round: number, tagEvery = 0): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let i = 0; i < ids; i++) {
    const pid = pidOf(i);
    const seq = round + 1;
    events.push({
      persistenceId: pid,
      sequenceNr: seq,
      payload: payloadFor(pid, seq),
      manifest: 'Deposited',
      writerUuid: WRITER_UUID,
      timestamp: 1_700_000_000_000 + round,
      tags: tagEvery > 0 && i % tagEvery === 0 ? ['account'] : [],
    });
  }
  return events;
}

/** `count` consecutive events of one actor starting at `fromSeq`. */
export function runOf(pid: string, fromSeq: number, count: number): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let seq = fromSeq; seq < fromSeq + count; seq++) {
    events.push({
      persistenceId: pid,
      sequenceNr: seq,
      payload: payloadFor(pid, seq),
      manifest: 'Deposited',
      writerUuid: WRITER_UUID,
      timestamp: 1_700_000_000_000 + seq,
      tags: [],
    });
  }
  return events;
}

export function tempDir(label: string): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `engram-bench-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function fileMiB(path: string): string {
  let bytes = 0;
  for (const suffix of ['', '-wal']) {
    try {
      bytes += statSync(path + suffix).size;
    } catch {
      // no WAL file after a clean close
    }
  }
  return (bytes / 1024 / 1024).toFixed(0);
}

export function perSecond(count: number, ms: number): string {
  return `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
}

export function intArg(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export async function yieldToEventLoop(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
