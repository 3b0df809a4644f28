import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from './journal/index.js';
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
    const journal = new SqliteJournal({ path });
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
