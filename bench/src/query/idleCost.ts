import { setMaxListeners } from 'node:events';
import {
  ActorSystem,
  Offset,
  Projection,
  runProjection,
  SourceProvider,
  type ReadJournal,
  type RunningProjection,
  type TransactionalOffsetStore,
} from '@engram/core';
import { accountTag } from './accountLog.js';
import type { CountingReader, ReaderCall } from './CountingReader.js';

export interface IdleFigure {
  readonly consumers: number;
  readonly seconds: number;
  /** Reader calls per second (each one is a query of the store), over all consumers. */
  readonly readerCallsPerSecond: number;
  readonly byCall: ReadonlyMap<ReaderCall, number>;
  /** Statements the database received per second, when the caller counts them (PostgreSQL: at the pool). */
  readonly statementsPerSecond?: number;
}

export interface IdleSetup {
  /** A read journal over `reader` (no other consumers on it). */
  readonly journal: ReadJournal<unknown>;
  readonly reader: CountingReader<unknown>;
  /** Statements sent to the database so far, if the caller can count them. */
  readonly statements?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `consumers` live `eventsByTag('account')` queries, caught up on a journal nobody writes to:
 * once every query read its first (empty) page and a second passed, counts the reader's calls over
 * `seconds`. Ends the queries before returning.
 */
export async function idleCost(setup: IdleSetup, consumers: number, seconds: number): Promise<IdleFigure> {
  const controller = new AbortController();
  // Every query listens on this one signal while it waits.
  setMaxListeners(consumers + 10, controller.signal);
  let unexpected = 0;
  const running = Array.from({ length: consumers }, async () => {
    for await (const _ of setup.journal.eventsByTag(accountTag, Offset.start, { signal: controller.signal })) unexpected++;
  });
  try {
    return await measureIdle(setup, consumers, seconds, () => unexpected);
  } finally {
    controller.abort();
    await Promise.all(running);
  }
}

/**
 * The same with `consumers` exactly-once projections (no-op handler) on the read journal, their
 * offsets in `offsetStore`: what idle projections cost, their own reads and writes included.
 */
export async function idleProjectionsCost<T>(setup: IdleSetup, offsetStore: TransactionalOffsetStore<T>, consumers: number, seconds: number): Promise<IdleFigure> {
  const system = ActorSystem.create('bench-idle', { logLevel: 'warn' });
  let unexpected = 0;
  const running: RunningProjection[] = [];
  try {
    for (let i = 0; i < consumers; i++) {
      const projection = Projection.exactlyOnce<unknown, T>({
        name: `idle-${i}`,
        source: SourceProvider.eventsByTag(setup.journal, accountTag),
        offsetStore,
        handler: () => {
          unexpected++;
        },
      });
      running.push(runProjection(system, projection));
    }
    return await measureIdle(setup, consumers, seconds, () => unexpected);
  } finally {
    await Promise.all(running.map((projection) => projection.stop()));
    await system.terminate();
  }
}

async function measureIdle(setup: IdleSetup, consumers: number, seconds: number, unexpected: () => number): Promise<IdleFigure> {
  const deadline = performance.now() + 10_000;
  while ((setup.reader.counts.get('readEvents') ?? 0) < consumers) {
    if (performance.now() > deadline) throw new Error(`idle cost: only ${setup.reader.counts.get('readEvents') ?? 0} of ${consumers} consumers started reading within 10 s`);
    await sleep(5);
  }
  await sleep(1_000);
  setup.reader.reset();
  const statementsBefore = setup.statements?.() ?? 0;
  const start = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - start) / 1000;
  const byCall = new Map(setup.reader.counts);
  const total = setup.reader.total;
  const statements = setup.statements === undefined ? undefined : setup.statements() - statementsBefore;
  if (unexpected() > 0) throw new Error(`idle cost: the idle consumers received ${unexpected()} events; nothing should be written`);
  return {
    consumers,
    seconds: elapsed,
    readerCallsPerSecond: total / elapsed,
    byCall,
    ...(statements === undefined ? {} : { statementsPerSecond: statements / elapsed }),
  };
}
