import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteFileInUse } from './errors/index.js';
import { SqliteJournal } from './journal/index.js';
import { within } from './query/deadline.test-support.js';
import { atomic, tempDatabase } from './testing/fixtures.test-support.js';

// A real second `node` process on the same file, running the TypeScript sources through a
// module hook (no build needed).
const loader = new URL('../../../tools/ts-loader/register.mjs', import.meta.url).href;
const childScript = fileURLToPath(new URL('./testing/journalChild.test-support.ts', import.meta.url));

function startChild(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', loader, childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

async function runChild(args: readonly string[]): Promise<string> {
  const { child, exited } = startChild(args);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const { code, stderr } = await exited;
  if (code !== 0) throw new Error(`child ${args.join(' ')} exited with ${code}: ${stderr}`);
  return stdout;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function fresh() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  return db;
}

// Starting a TypeScript child on a busy machine is slow; past this a wait on one fails, naming it.
const CHILD_DEADLINE_MS = 60_000;

/** A child holding a journal open on `path` until it is sent SIGTERM (it closes it) or killed. */
async function holdingChild(path: string, writers: 'single' | 'shared') {
  const { child, exited } = startChild(['hold', path, writers]);
  cleanups.push(() => void child.kill('SIGKILL'));
  let stdout = '';
  const waiting = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const check of waiting) check();
  });
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!stdout.split('\n').includes(line)) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      exited.then(({ code, signal, stderr }) => reject(new Error(`child exited (${signal ?? code}) before printing ${line}: ${stderr}`)), reject);
      check();
    });
  const opened = printed('open');
  await within(CHILD_DEADLINE_MS, 'the child opening its journal', opened);
  return { child, exited, printed };
}

describe('SqliteJournal across processes', () => {
  it('keeps every acknowledged event when the writing process is killed with SIGKILL mid-stream', async () => {
    const { path } = fresh();
    const { child, exited } = startChild(['write-until-killed', path]);
    const acked = new Map<string, number>();
    let count = 0;
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const [word, pid, seq] = line.split(' ');
        if (word !== 'ack' || pid === undefined || seq === undefined) continue;
        acked.set(pid, Math.max(acked.get(pid) ?? 0, Number(seq)));
        count++;
      }
      if (count >= 5_000 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    const { signal, stderr } = await exited;
    expect(signal, `the child should still be writing when killed; stderr: ${stderr}`).toBe('SIGKILL');
    expect(count).toBeGreaterThanOrEqual(5_000);

    const journal = new SqliteJournal({ path });
    try {
      for (const [pid, highestAcked] of acked) {
        expect(await journal.readHighestSequenceNr(pid, 0)).toBeGreaterThanOrEqual(highestAcked);
        const seqs: number[] = [];
        await journal.replayMessages(pid, 1, highestAcked, Infinity, (r) => seqs.push(r.sequenceNr));
        expect(seqs).toEqual(Array.from({ length: highestAcked }, (_, i) => i + 1));
      }
    } finally {
      await journal.close();
    }
  });

  it('gives the second process that writes a taken sequence nr a SequenceConflict and keeps the first writer\'s event', async () => {
    const { path } = fresh();
    const journal = new SqliteJournal({ path, writers: 'shared' });
    try {
      expect(await journal.writeMessages([atomic('Owned|1', 1, 1, { payload: 'first writer' })])).toEqual([undefined]);

      expect(await runChild(['write-one', path, 'Owned|1', '1'])).toBe('result SequenceConflict\n');
      expect(await runChild(['write-one', path, 'Owned|2', '1'])).toBe('result ok\n');

      const payloads: unknown[] = [];
      await journal.replayMessages('Owned|1', 1, Infinity, Infinity, (r) => payloads.push(r.payload));
      expect(payloads).toEqual(['first writer']);
      expect(await journal.readHighestSequenceNr('Owned|2', 0)).toBe(1);
      // and the other way round: the first process now conflicts on what the child wrote
      const [conflict] = await journal.writeMessages([atomic('Owned|2', 1)]);
      expect(conflict?.name).toBe('SequenceConflict');
    } finally {
      await journal.close();
    }
  });
});

describe('one writing journal per SQLite file, across processes', () => {
  it('a second process is refused with SqliteFileInUse while the first has the file open, in either mode', async () => {
    const { path } = fresh();
    const journal = new SqliteJournal({ path });
    try {
      const single = await runChild(['try-open', path, 'single']);
      expect(single).toBe(`result SqliteFileInUse: ${new SqliteFileInUse(path, `${path}-engram-lock`, 'single').message}\n`);
      expect(await runChild(['try-open', path, 'shared'])).toMatch(/^result SqliteFileInUse: .* has it open as its only writer/);
      expect(await journal.writeMessages([atomic('Mine|1', 1)])).toEqual([undefined]);
    } finally {
      await journal.close();
    }
    expect(await runChild(['try-open', path, 'single'])).toBe('result ok\n');
  });

  it('this process is refused while a child holds the file, and opens it once the child closed its journal', async () => {
    const { path } = fresh();
    const { child, printed } = await holdingChild(path, 'single');
    expect(() => new SqliteJournal({ path })).toThrow(SqliteFileInUse);
    child.kill('SIGTERM');
    await within(CHILD_DEADLINE_MS, 'the child closing its journal', printed('closed'));
    const journal = new SqliteJournal({ path });
    try {
      expect(await journal.readHighestSequenceNr(`Holder|${child.pid}`, 0)).toBe(1);
    } finally {
      await journal.close();
    }
  });

  it('a writer killed with SIGKILL leaves no stale lock: the next journal opens at once', async () => {
    const { path } = fresh();
    const { child, exited } = await holdingChild(path, 'single');
    expect(() => new SqliteJournal({ path, busyTimeoutMs: 0 })).toThrow(SqliteFileInUse);
    child.kill('SIGKILL');
    expect((await within(CHILD_DEADLINE_MS, 'the child dying', exited)).signal).toBe('SIGKILL');
    const journal = new SqliteJournal({ path, busyTimeoutMs: 0 });
    try {
      expect(await journal.readHighestSequenceNr(`Holder|${child.pid}`, 0)).toBe(1);
    } finally {
      await journal.close();
    }
  });

  it('of several processes starting a writer on one new file together, exactly one opens it', async () => {
    const { path } = fresh();
    const starters = Array.from({ length: 4 }, () => startChild(['hold', path, 'single']));
    for (const { child } of starters) cleanups.push(() => void child.kill('SIGKILL'));
    const outcomes = await Promise.all(
      starters.map(
        ({ child, exited }) =>
          new Promise<string>((resolve) => {
            child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('open') && resolve('open'));
            void exited.then(({ stderr }) => resolve(/SqliteFileInUse/.test(stderr) ? 'refused' : `exited: ${stderr}`));
          }),
      ),
    );
    expect(outcomes.sort()).toEqual(['open', 'refused', 'refused', 'refused']);
  });

  it("with writers: 'shared' both processes write the file", async () => {
    const { path } = fresh();
    await holdingChild(path, 'shared');
    const journal = new SqliteJournal({ path, writers: 'shared' });
    try {
      expect(await journal.writeMessages([atomic('Parent|1', 1)])).toEqual([undefined]);
      expect(await runChild(['write-one', path, 'Child|1', '1'])).toBe('result ok\n');
      expect(await journal.readHighestSequenceNr('Child|1', 0)).toBe(1);
      expect(() => new SqliteJournal({ path })).toThrow(/has it open \(lock file/);
    } finally {
      await journal.close();
    }
  });
});
