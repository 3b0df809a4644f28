import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { EventEnvelope, Offset } from '@engram/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresReadJournal } from './PostgresReadJournal.js';
import { waitFor, withDeadline } from './waitFor.test-support.js';

/**
 * Gap torture across processes: writers in four child processes commit out of order (journal
 * writes, transactions held open, rollbacks) while readers here follow a live `allEvents` and a
 * live `eventsByTag`, breaking off at random points and resuming from the last offset they saw
 * (its text, as a projection keeps it), and now and then from an earlier one. Every committed
 * event must arrive exactly once, in one order that never changes, each id's in sequence; no
 * rolled-back event ever.
 */

const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const childScript = fileURLToPath(new URL('./tortureChild.test-support.ts', import.meta.url));
const CHILDREN = 4;
const ROUNDS = 30;
// Starting TypeScript children on a busy machine is slow; the writes themselves take seconds.
const WRITERS_DEADLINE_MS = 150_000;
const CATCH_UP_DEADLINE_MS = 60_000;

const db = await postgresForTests('gap_torture');

interface Committed {
  readonly token: string;
  readonly keys: readonly string[];
  readonly tagged: boolean;
}

interface ChildResult {
  readonly committed: readonly Committed[];
  readonly rolledBack: readonly string[];
}

/** Runs one writer process to its end; rejects with its output if it fails or misses the deadline. */
function runChild(args: readonly string[], children: Set<ChildProcess>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', loader, childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(process_);
    const committed: Committed[] = [];
    const rolledBack: string[] = [];
    let output = '';
    let stderr = '';
    let done = false;
    process_.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    process_.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    process_.on('error', reject);
    process_.on('close', (code) => {
      children.delete(process_);
      for (const line of output.split('\n')) {
        const [kind, token, pid, first, count, tagged] = line.split(' ');
        if (kind === 'committed') {
          const keys = Array.from({ length: Number(count) }, (_, i) => `${pid}:${Number(first) + i}`);
          committed.push({ token: token!, keys, tagged: tagged === '1' });
        } else if (kind === 'rolledback') rolledBack.push(token!);
        else if (kind === 'done') done = true;
      }
      if (code === 0 && done) resolve({ committed, rolledBack });
      else reject(new Error(`writer ${args.join(' ')} exited with ${code}: ${output.split('\n').find((l) => l.startsWith('error')) ?? ''} ${stderr}`));
    });
  });
}

/**
 * A reader that follows a live query and breaks off every few envelopes, resuming from the text of
 * the last offset it saw or, now and then, from an earlier one: what it is then given again must
 * be what it was given before, in the same order.
 */
class ResumingReader {
  readonly keys: string[] = [];
  private readonly offsets: string[] = [];
  private readonly tokens: string[] = [];
  private stopped = false;
  private failure: unknown;
  private readonly run: Promise<void>;

  constructor(
    private readonly readJournal: PostgresReadJournal,
    query: (offset: Offset, signal: AbortSignal) => AsyncIterable<EventEnvelope<unknown>>,
  ) {
    this.run = this.follow(query).catch((error: unknown) => {
      this.failure = error;
    });
  }

  /** Throws what made the reader stop, if anything did. */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Tokens of the payloads delivered, in order (several per token for multi-event writes). */
  get payloadTokens(): readonly string[] {
    return this.tokens;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.run;
    this.check();
  }

  private async follow(query: (offset: Offset, signal: AbortSignal) => AsyncIterable<EventEnvelope<unknown>>): Promise<void> {
    while (!this.stopped) {
      // Mostly from the last offset seen; sometimes from an earlier one, or from the start.
      const back = this.offsets.length > 0 && randomInt(10) === 0 ? randomInt(this.offsets.length + 1) : this.offsets.length;
      const from = back === 0 ? this.readJournal.parseOffset('start') : this.readJournal.parseOffset(this.offsets[back - 1]!);
      let index = back;
      let budget = 1 + randomInt(40);
      const abort = new AbortController();
      const stopper = setInterval(() => {
        if (this.stopped) abort.abort();
      }, 20);
      try {
        for await (const envelope of query(from, abort.signal)) {
          const key = `${envelope.persistenceId}:${envelope.sequenceNr}`;
          if (index < this.keys.length) {
            // Given again after resuming from an earlier offset: the same event at the same place.
            if (this.keys[index] !== key) throw new Error(`resumed at ${back}: expected ${this.keys[index]} at ${index}, got ${key}`);
          } else {
            this.keys.push(key);
            this.offsets.push(String(envelope.offset));
            this.tokens.push((envelope.event as { token: string }).token);
          }
          index++;
          if (--budget === 0) break;
        }
      } finally {
        clearInterval(stopper);
      }
    }
  }
}

describe.skipIf(!db.available)('gap torture across processes', () => {
  const schema = db.newSchema('torture_run');
  const readJournal = new PostgresReadJournal({ connectionString: db.url, schema, pageSize: 7 });
  const children = new Set<ChildProcess>();
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await readJournal.close();
  });

  it('delivers every committed event once, in one order, each id in sequence, and no rolled-back one', { timeout: 300_000 }, async () => {
    // The tables first, so the children do not all migrate at once.
    const setup = new PostgresJournal({ connectionString: db.url, schema });
    await setup.migrate();
    await setup.close();

    const all = new ResumingReader(readJournal, (offset, signal) => readJournal.allEvents(offset, { signal }));
    const byTag = new ResumingReader(readJournal, (offset, signal) => readJournal.eventsByTag('torture', offset, { signal }));
    const seeds = Array.from({ length: CHILDREN }, () => randomInt(2 ** 31));
    let results: ChildResult[];
    try {
      results = await withDeadline(
        `the writer processes (seeds ${seeds.join(', ')})`,
        WRITERS_DEADLINE_MS,
        Promise.all(seeds.map((seed, child) => runChild([db.url, schema, String(child), String(ROUNDS), String(seed)], children))),
      );
    } catch (error) {
      await all.stop();
      await byTag.stop();
      throw error;
    }
    const committed = results.flatMap((result) => result.committed);
    const rolledBack = new Set(results.flatMap((result) => result.rolledBack));
    const expected = committed.flatMap((write) => write.keys);
    const expectedTagged = committed.filter((write) => write.tagged).flatMap((write) => write.keys);
    expect(rolledBack.size).toBeGreaterThan(0);
    expect(new Set(expected).size).toBe(expected.length);

    await waitFor(`the readers to catch up (seeds ${seeds.join(', ')})`, CATCH_UP_DEADLINE_MS, () => {
      all.check();
      byTag.check();
      return all.keys.length >= expected.length && byTag.keys.length >= expectedTagged.length ? true : undefined;
    });
    await all.stop();
    await byTag.stop();

    // Exactly once each, nothing else: no duplicate, no rolled-back event.
    expect([...all.keys].sort()).toEqual([...expected].sort());
    expect([...byTag.keys].sort()).toEqual([...expectedTagged].sort());
    expect(all.payloadTokens.filter((token) => rolledBack.has(token))).toEqual([]);
    // Each id's events in sequence.
    const last = new Map<string, number>();
    for (const key of all.keys) {
      const [pid, seq] = key.split(':') as [string, string];
      expect(Number(seq), key).toBe((last.get(pid) ?? 0) + 1);
      last.set(pid, Number(seq));
    }
    // One order: the tagged ones in the order of all events, and a fresh read from the start
    // finds every event where the live readers found it (none appeared behind them).
    const tagged = new Set(expectedTagged);
    expect(byTag.keys).toEqual(all.keys.filter((key) => tagged.has(key)));
    const again: string[] = [];
    for await (const envelope of readJournal.currentAllEvents()) again.push(`${envelope.persistenceId}:${envelope.sequenceNr}`);
    expect(again).toEqual(all.keys);
  });
});
