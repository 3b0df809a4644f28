import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../journal/index.js';
import { SqliteSnapshotStore } from '../snapshot/index.js';
import { tempDatabase } from '../testing/fixtures.test-support.js';

// Real `node` processes running the TypeScript sources through a module hook (no build needed).
const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const childScript = fileURLToPath(new URL('../testing/openerChild.test-support.ts', import.meta.url));

const OPENERS = 20;
// Rounds are cheap next to starting the children, and a round loses the race only now and then.
const ROUNDS = 200;
// Deadlines for each wait on a child; past one the children are killed and the test fails naming
// what it waited for. Starting many TypeScript children on a busy machine is slow.
const START_DEADLINE_MS = 120_000;
const ALL_ROUNDS_DEADLINE_MS = 240_000;

/** A child process spoken to in lines: requests on stdin, one answer per line on stdout. */
class LineChild {
  readonly #process: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #lines: string[] = [];
  #partial = '';
  #stderr = '';
  #exit: string | undefined;
  #wake: (() => void) | undefined;

  constructor(args: readonly string[]) {
    this.#process = spawn(process.execPath, ['--import', loader, childScript, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#process.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (this.#partial + chunk).split('\n');
      this.#partial = lines.pop() ?? '';
      this.#lines.push(...lines);
      this.#wake?.();
    });
    this.#process.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr += chunk));
    this.#process.on('error', (error) => this.#ended(`could not start: ${error.message}`));
    this.#process.on('close', (code, signal) => this.#ended(`exited with ${signal ?? code}`));
  }

  send(line: string): void {
    this.#process.stdin.write(`${line}\n`);
  }

  /** The next line the child prints; rejects if it exits first or prints nothing before the deadline. */
  async nextLine(waitingFor: string, deadlineMs: number): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`child ${this.#process.pid} did not ${waitingFor} within ${deadlineMs} ms; stderr: ${this.#stderr}`)),
        deadlineMs,
      );
    });
    const line = this.#line(waitingFor);
    // once the deadline has won, the child's later end must not surface as an unhandled rejection
    line.catch(() => undefined);
    try {
      return await Promise.race([line, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #line(waitingFor: string): Promise<string> {
    for (;;) {
      const line = this.#lines.shift();
      if (line !== undefined) return line;
      if (this.#exit !== undefined) {
        throw new Error(`child ${this.#process.pid} ${this.#exit} before it could ${waitingFor}; stderr: ${this.#stderr}`);
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #ended(how: string): void {
    this.#exit ??= how;
    this.#wake?.();
  }

  stop(): void {
    if (this.#exit === undefined) this.#process.kill('SIGKILL');
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function start(args: readonly string[]): LineChild {
  const child = new LineChild(args);
  cleanups.push(() => child.stop());
  return child;
}

function fresh() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  return db;
}

describe('opening one new SQLite file from many processes at once', () => {
  it('waits for another process that holds the new file\'s write lock while switching it to WAL, then opens it', async () => {
    const { path } = fresh();
    const holder = start(['hold-lock', path, '500']);
    expect(await holder.nextLine('take the write lock', START_DEADLINE_MS)).toBe('locked');
    // this process reads the file, then needs the lock the holder keeps for a while longer
    const journal = new SqliteJournal({ path, busyTimeoutMs: 30_000 });
    const snapshots = new SqliteSnapshotStore({ path, busyTimeoutMs: 30_000 });
    await journal.close();
    await snapshots.close();
  });

  it(
    `opens it in each of ${OPENERS} processes that start together, round after round on fresh files, and none fails with SQLITE_BUSY`,
    async () => {
      const openers = Array.from({ length: OPENERS }, () => start(['open-on-request']));
      expect(await Promise.all(openers.map((o) => o.nextLine('start', START_DEADLINE_MS)))).toEqual(openers.map(() => 'ready'));

      const failures: string[] = [];
      const deadline = Date.now() + ALL_ROUNDS_DEADLINE_MS;
      for (let round = 1; round <= ROUNDS; round++) {
        const { path } = fresh();
        // every child is already waiting on its stdin, so they open within the same moment
        for (const opener of openers) opener.send(`open ${path}`);
        const left = Math.max(1, deadline - Date.now());
        const outcomes = await Promise.all(openers.map((o) => o.nextLine(`open ${path} (round ${round} of ${ROUNDS})`, left)));
        failures.push(...outcomes.filter((outcome) => outcome !== 'ok').map((outcome) => `round ${round}: ${outcome}`));
      }
      // Shared journals and snapshot stores refuse no second process on a file, so every open must work.
      expect(failures.filter((failure) => failure.includes('SQLITE_BUSY'))).toEqual([]);
      expect(failures).toEqual([]);
    },
    START_DEADLINE_MS + ALL_ROUNDS_DEADLINE_MS + 30_000,
  );
});
