import { ActorSystem, PersistentActor, persistentActor, type ActorRef, type Journal, type PersistenceConfig } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { openNaive } from '../sqlite/naive.js';
import { pidOf, roundOf, runOf, tempDir, type BenchEvent } from '../sqlite/workload.js';
import { benchAccount, depositedEvent, type Deposited } from './accountEvents.js';

export interface WriteShape {
  readonly name: string;
  readonly actors: number;
  readonly perActor: number;
  readonly mode: 'persist' | 'persistAsync';
  /** Rows per transaction of the raw baseline. */
  readonly rawBatch: number;
}

export interface WriteFigure {
  readonly engram: number;
  readonly raw: number;
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
  const window = Math.min(shape.perActor, 1000);
  const sent = new Array<number>(shape.actors).fill(0);
  let stored = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const refs: ActorRef<'deposit'>[] = [];
  const onStored = (i: number) => () => {
    if (++stored === total) return done();
    if (sent[i]! < shape.perActor) {
      sent[i]!++;
      refs[i]!.tell('deposit');
    }
  };
  for (let i = 0; i < shape.actors; i++) {
    refs.push(
      system.spawn(
        shape.mode === 'persist' ? benchAccount(pidOf(i), onStored(i)) : persistentActor(() => new AsyncAccount(pidOf(i), onStored(i))),
      ),
    );
  }
  await system.whenIdle();
  counts.calls = 0;
  counts.events = 0;
  span?.started();
  const start = performance.now();
  for (let round = 0; round < window; round++) {
    for (let i = 0; i < refs.length; i++) {
      sent[i]!++;
      refs[i]!.tell('deposit');
    }
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  span?.stopped();
  await system.terminate();
  return total / seconds;
}

function rawRate(shape: WriteShape, path: string): number {
  const naive = openNaive(path);
  const total = shape.actors * shape.perActor;
  const start = performance.now();
  if (shape.actors === 1) {
    for (let from = 1; from <= total; from += shape.rawBatch) naive.write(runOf(pidOf(0), from, Math.min(shape.rawBatch, total - from + 1)));
  } else {
    for (let round = 0; round < shape.perActor; round++) {
      const events: BenchEvent[] = roundOf(shape.actors, round);
      for (let i = 0; i < events.length; i += shape.rawBatch) naive.write(events.slice(i, i + shape.rawBatch));
    }
  }
  const seconds = (performance.now() - start) / 1000;
  naive.db.close();
  return total / seconds;
}

export async function persistThroughput(shape: WriteShape): Promise<WriteFigure> {
  const tmp = tempDir('persist');
  try {
    const raw = rawRate(shape, `${tmp.dir}/naive.db`);
    const path = `${tmp.dir}/engram.db`;
    const engram = await engramWriteRate(shape, () => ({ journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) }));
    return { engram: engram.rate, raw, calls: engram.calls, eventsPerCall: engram.eventsPerCall };
  } finally {
    tmp.remove();
  }
}
