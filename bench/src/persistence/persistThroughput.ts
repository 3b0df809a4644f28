import Database from 'better-sqlite3';
import { ActorSystem, ask, PersistentActor, persistentActor, type ActorRef, type Journal, type PersistenceConfig } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { openNaive, type RawStore } from '../sqlite/naive.js';
import { openSameLayout, payloadDigest } from '../sqlite/sameLayout.js';
import { pidOf, roundOf, runOf, tempDir, type BenchEvent } from '../sqlite/workload.js';
import { askedAccount, benchAccount, depositedEvent, type Deposit, type Deposited } from './accountEvents.js';
import { CpuMeter, type CpuFigure } from './postgres/CpuMeter.js';

export interface WriteShape {
  readonly name: string;
  readonly actors: number;
  readonly perActor: number;
  readonly mode: 'persist' | 'persistAsync';
  /** Rows per transaction of the raw baseline. */
  readonly rawBatch: number;
  /**
   * How a command reaches its actor. `tell` (default): told, the actor's side effect after the
   * stored event counts it and tells the next command. `ask`: sent with `ask` and answered with
   * `thenReply` after its event is stored; the answer sends that actor's next command (as clients
   * of an HTTP handler do). `ask` needs mode `persist`.
   */
  readonly send?: 'tell' | 'ask';
  /** Largest number of commands of one actor in flight at once. Default: 1,000 (or perActor when fewer). */
  readonly inFlight?: number;
}

/** Commands in flight per actor when a shape does not say. */
export const DEFAULT_IN_FLIGHT = 1000;
/** How long an asked command may take to be stored and answered before the run fails. */
const ASK_TIMEOUT_MS = 300_000;

/** Commands of one actor in flight at once in `shape`. */
export function inFlightOf(shape: WriteShape): number {
  const limit = shape.inFlight ?? DEFAULT_IN_FLIGHT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`${shape.name}: inFlight must be a positive integer, got ${limit}`);
  return Math.min(shape.perActor, limit);
}

export interface WriteFigure {
  readonly engram: number;
  /** Engram's CPU over the timed span (the store runs in this process, so restMs is other processes). */
  readonly cpu: CpuFigure;
  /** Bare better-sqlite3 on the naive layout, one row per INSERT. */
  readonly raw: number;
  /** Bare better-sqlite3 on SqliteJournal's layout, multi-row INSERTs. */
  readonly rawSameLayout: number;
  /** Rows per INSERT statement of `rawSameLayout`, at most. */
  readonly rawRowsPerStatement: number;
  readonly calls: number;
  readonly eventsPerCall: number;
}

/** Counts the journal calls the engine makes (to show the group commit at work). */
function counting(journal: Journal, counts: { calls: number; events: number }): Journal {
  return {
    writeMessages: (writes) => {
      counts.calls++;
      counts.events += writes.length;
      return journal.writeMessages(writes);
    },
    replayMessages: (...args) => journal.replayMessages(...args),
    readHighestSequenceNr: (...args) => journal.readHighestSequenceNr(...args),
    deleteMessagesTo: (...args) => journal.deleteMessagesTo(...args),
    close: () => journal.close?.() ?? Promise.resolve(),
    ...(journal.writeConcurrency === undefined ? {} : { writeConcurrency: journal.writeConcurrency }),
  };
}

class AsyncAccount extends PersistentActor<'deposit', Deposited> {
  private count = 0;
  constructor(
    readonly persistenceId: string,
    private readonly stored: () => void,
  ) {
    super();
  }
  receiveRecover(): void {}
  receiveCommand(): void {
    this.count++;
    this.persistAsync(depositedEvent(this.persistenceId, this.count), this.stored);
  }
}

export interface EngramWriteFigure {
  /** Events per second. */
  readonly rate: number;
  readonly calls: number;
  readonly eventsPerCall: number;
}

/** Told when the timed part of a run starts and stops, to measure something else over the same span. */
export interface TimedSpan {
  started(): void;
  stopped(): void;
}

/**
 * The engine side of a write shape on any stores: `persistence` gives the system's persistence
 * config (a fresh, empty journal); its journal calls are counted.
 */
export async function engramWriteRate(shape: WriteShape, persistence: () => PersistenceConfig, span?: TimedSpan): Promise<EngramWriteFigure> {
  const counts = { calls: 0, events: 0 };
  const rate = await engramRate(shape, persistence, counts, span);
  return { rate, calls: counts.calls, eventsPerCall: counts.events / Math.max(1, counts.calls) };
}

async function engramRate(
  shape: WriteShape,
  persistence: () => PersistenceConfig,
  counts: { calls: number; events: number },
  span?: TimedSpan,
): Promise<number> {
  const config = persistence();
  if (config.journal === undefined) throw new Error('the write benchmark needs a journal');
  const journal = counting(config.journal, counts);
  const system = ActorSystem.create('bench', { logLevel: 'warn', persistence: { ...config, journal } });
  const total = shape.actors * shape.perActor;
  // Like clients that wait for answers: at most `window` commands per actor in flight, below the
  // actor's stash capacity (more would be dropped, as the engine protects its memory).
  const window = inFlightOf(shape);
  const sent = new Array<number>(shape.actors).fill(0);
  let stored = 0;
  let done!: () => void;
  let failed!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  let send: (i: number) => void;
  if (shape.send === 'ask') {
    if (shape.mode !== 'persist') throw new RangeError(`${shape.name}: ask needs mode persist, got ${shape.mode}`);
    const refs: ActorRef<Deposit>[] = [];
    for (let i = 0; i < shape.actors; i++) refs.push(system.spawn(askedAccount(pidOf(i))));
    const answered = (i: number) => () => {
      if (++stored === total) return done();
      if (sent[i]! < shape.perActor) send(i);
    };
    const onAnswer = refs.map((_, i) => answered(i));
    send = (i) => {
      sent[i]!++;
      ask(refs[i]!, (replyTo) => ({ type: 'deposit', replyTo }), { timeoutMs: ASK_TIMEOUT_MS }).then(onAnswer[i], failed);
    };
  } else {
    const refs: ActorRef<'deposit'>[] = [];
    const onStored = (i: number) => () => {
      if (++stored === total) return done();
      if (sent[i]! < shape.perActor) send(i);
    };
    for (let i = 0; i < shape.actors; i++) {
      refs.push(
        system.spawn(
          shape.mode === 'persist' ? benchAccount(pidOf(i), onStored(i)) : persistentActor(() => new AsyncAccount(pidOf(i), onStored(i))),
        ),
      );
    }
    send = (i) => {
      sent[i]!++;
      refs[i]!.tell('deposit');
    };
  }
  await system.whenIdle();
  counts.calls = 0;
  counts.events = 0;
  span?.started();
  const start = performance.now();
  for (let round = 0; round < window; round++) {
    for (let i = 0; i < shape.actors; i++) send(i);
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  span?.stopped();
  await system.terminate();
  return total / seconds;
}

/** Writes the shape's rows into `store` as the raw baseline does, `rawBatch` rows per transaction; rows per second. */
function rawRate(shape: WriteShape, store: RawStore): number {
  const total = shape.actors * shape.perActor;
  const start = performance.now();
  if (shape.actors === 1) {
    for (let from = 1; from <= total; from += shape.rawBatch) store.write(runOf(pidOf(0), from, Math.min(shape.rawBatch, total - from + 1)));
  } else {
    for (let round = 0; round < shape.perActor; round++) {
      const events: BenchEvent[] = roundOf(shape.actors, round);
      for (let i = 0; i < events.length; i += shape.rawBatch) store.write(events.slice(i, i + shape.rawBatch));
    }
  }
  return total / ((performance.now() - start) / 1000);
}

/** Rows per INSERT of the same-layout raw baseline (RAW_ROWS to change; see bench/src/sqlite/sameLayout.ts). */
export function rawRowsPerStatement(): number {
  const value = process.env['RAW_ROWS'];
  if (value === undefined || value === '') return 100;
  const rows = Number(value);
  if (!Number.isSafeInteger(rows) || rows < 1) throw new RangeError(`RAW_ROWS must be a positive integer, got "${value}"`);
  return rows;
}

/**
 * One shape on SQLite: the engine on SqliteJournal, bare better-sqlite3 on the naive layout, and
 * bare better-sqlite3 on SqliteJournal's layout with multi-row INSERTs, each in a fresh file.
 * Fails when the engine's file and the same-layout baseline's hold other payload bytes.
 */
export async function persistThroughput(shape: WriteShape): Promise<WriteFigure> {
  const tmp = tempDir('persist');
  try {
    const naive = openNaive(`${tmp.dir}/naive.db`);
    const raw = rawRate(shape, naive);
    naive.db.close();
    const rows = rawRowsPerStatement();
    const same = await openSameLayout(`${tmp.dir}/same-layout.db`, { maxRowsPerStatement: rows });
    const rawSameLayout = rawRate(shape, same);
    const sameDigest = payloadDigest(same.db);
    same.db.close();
    const path = `${tmp.dir}/engram.db`;
    const meter = new CpuMeter();
    const engram = await engramWriteRate(
      shape,
      () => ({ journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) }),
      meter,
    );
    const stored = new Database(path, { readonly: true });
    const engramDigest = payloadDigest(stored);
    stored.close();
    if (engramDigest.rows !== sameDigest.rows || engramDigest.digest !== sameDigest.digest) {
      throw new Error(
        `${shape.name}: the engine stored other payloads (${engramDigest.rows} rows) than the same-layout raw baseline (${sameDigest.rows} rows): the comparison would be unfair`,
      );
    }
    return { engram: engram.rate, cpu: meter.figure, raw, rawSameLayout, rawRowsPerStatement: rows, calls: engram.calls, eventsPerCall: engram.eventsPerCall };
  } finally {
    tmp.remove();
  }
}
