import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventEnvelope } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDatabase } from '../testing/fixtures.test-support.js';
import { within } from './deadline.test-support.js';
import { SqliteReadJournal } from './SqliteReadJournal.js';

// A real second `node` process on the same file, running the TypeScript sources through a
// module hook (no build needed).
const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const childScript = fileURLToPath(new URL('./writerChild.test-support.ts', import.meta.url));
// Starting a TypeScript child on a busy machine is slow; past this the test fails naming the wait.
const DEADLINE_MS = 120_000;

const IDS = 6;
const ROUNDS = 150;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startWriter(path: string) {
  const child = spawn(process.execPath, ['--import', loader, childScript, path, String(IDS), String(ROUNDS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return exited;
}

async function take<T>(iterable: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length === n) break;
  }
  return out;
}

function positionsOf(envelopes: readonly EventEnvelope<unknown>[]): number[] {
  return envelopes.map((e) => Number(String(e.offset).slice('sqlite:'.length)));
}

describe('SqliteReadJournal across processes', () => {
  it('a live query in this process gets every event another process writes, exactly once, in order', async () => {
    const db = tempDatabase();
    cleanups.push(db.remove);
    const readJournal = new SqliteReadJournal({ path: db.path });
    cleanups.push(() => readJournal.close());
    const total = IDS * ROUNDS;
    // Both queries start on an empty (new) file, before the writer exists.
    const everything = take(readJournal.allEvents(), total);
    const odd = take(readJournal.eventsByTag('odd'), total / 2);

    const exited = startWriter(db.path);
    const received = await within(DEADLINE_MS, `the live query receiving ${total} events`, everything);
    const { code, stdout, stderr } = await within(DEADLINE_MS, 'the writer process exiting', exited);
    expect(code, stderr).toBe(0);
    expect(stdout).toBe(`done ${total}\n`);

    const positions = positionsOf(received);
    for (let i = 1; i < positions.length; i++) expect(positions[i]!, `position ${i}`).toBeGreaterThan(positions[i - 1]!);
    for (let i = 0; i < IDS; i++) {
      const seqs = received.filter((e) => e.persistenceId === `Child|${i}`).map((e) => e.sequenceNr);
      expect(seqs).toEqual(Array.from({ length: ROUNDS }, (_, k) => k + 1));
    }
    // What the live query saw is what is stored, nothing more.
    const stored = [];
    for await (const envelope of readJournal.currentAllEvents()) stored.push(envelope);
    expect(positionsOf(stored)).toEqual(positions);

    const tagged = await within(DEADLINE_MS, 'the live tag query receiving the odd ids', odd);
    expect(tagged.every((e) => Number(e.persistenceId.split('|')[1]) % 2 === 1)).toBe(true);
    expect(positionsOf(tagged)).toEqual(positionsOf(received.filter((e) => e.tags.includes('odd'))));
  });
});
