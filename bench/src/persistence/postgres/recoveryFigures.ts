import { PostgresJournal, PostgresSnapshotStore } from '@engram/postgres';
import { runOf } from '../../sqlite/workload.js';
import { fieldCase, fillFieldEvents, fillFieldSnapshots } from '../fieldCase.js';
import type { RecoveryFigure } from '../recoverAll.js';
import type { BenchSchemas } from './BenchSchemas.js';
import { emmettFill, emmettStore, type AggregateFigure } from './emmett.js';
import { fillOne } from './engramStores.js';
import { inFreshProcess, type Measured } from './freshProcess.js';
import { medianBy, repeat } from './median.js';
import { RawTable, type ReadFigure } from './RawTable.js';

/** Rows per cursor page of the raw reads: the journal's default replay page. */
const rawPageSize = 2_000;

/** The median run by rate, with the largest peak memory growth of all runs. */
function medianWithPeakMemory<T extends { peakRssGrowthMiB: number; peakHeapGrowthMiB: number }>(
  runs: readonly Measured<T>[],
  rate: (figure: T) => number,
): Measured<T> {
  const median = medianBy(runs, (r) => rate(r.figure));
  return {
    figure: {
      ...median.figure,
      peakRssGrowthMiB: Math.max(...runs.map((r) => r.figure.peakRssGrowthMiB)),
      peakHeapGrowthMiB: Math.max(...runs.map((r) => r.figure.peakHeapGrowthMiB)),
    },
    cpu: median.cpu,
  };
}

export interface OneActorRecovery {
  readonly events: number;
  /** Median by rate; memory is the largest peak growth of all runs. */
  readonly engram: Measured<RecoveryFigure>;
  readonly engramRuns: readonly RecoveryFigure[];
  readonly rawPayload: Measured<ReadFigure>;
  readonly rawAllFields: Measured<ReadFigure>;
  /** Rows per second of the raw fill (1,000-row INSERTs on 4 connections). */
  readonly rawFillRate: number;
}

/**
 * One actor with `events` events, written through the journal; the same rows in the raw table.
 * Each run reads the raw table twice (sequence nr and payload; every field a repr needs) and
 * recovers the actor through the engine, each in a fresh process.
 */
export async function recoveryOfOne(schemas: BenchSchemas, events: number, reps: number): Promise<OneActorRecovery> {
  const persistenceId = 'Account|big';
  const schema = await schemas.fresh('engram_recovery');
  const raw = await RawTable.create(schemas, 'raw_recovery');
  try {
    const journal = new PostgresJournal({ connectionString: schemas.url, schema });
    await fillOne(journal, persistenceId, events, 5_000);
    await journal.close();
    let from = 1;
    const start = performance.now();
    await raw.fill(() => {
      if (from > events) return undefined;
      const batch = runOf(persistenceId, from, Math.min(1_000, events - from + 1));
      from += batch.length;
      return batch;
    }, 4);
    const rawFillRate = events / ((performance.now() - start) / 1000);
    await schemas.vacuum(schema);
    await schemas.vacuum(raw.schema);
    const url = schemas.url;
    const runs = await repeat(reps, async () => ({
      rawPayload: await inFreshProcess({ kind: 'raw', url, schema: raw.schema, persistenceId, columns: 'seq + payload', pageSize: rawPageSize }),
      rawAllFields: await inFreshProcess({ kind: 'raw', url, schema: raw.schema, persistenceId, columns: 'all fields', pageSize: rawPageSize }),
      engram: await inFreshProcess({ kind: 'engram', url, schema, ids: { one: persistenceId }, expectedEvents: events }),
    }));
    return {
      events,
      engram: medianWithPeakMemory(runs.map((r) => r.engram), (f) => f.eventsPerSecond),
      engramRuns: runs.map((r) => r.engram.figure),
      rawPayload: medianBy(runs, (r) => r.rawPayload.figure.rowsPerSecond).rawPayload,
      rawAllFields: medianBy(runs, (r) => r.rawAllFields.figure.rowsPerSecond).rawAllFields,
      rawFillRate,
    };
  } finally {
    await schemas.drop(schema);
    await schemas.drop(raw.schema);
  }
}

export interface FieldFigures {
  readonly description: string;
  readonly actors: number;
  readonly total: number;
  readonly withoutSnapshots: Measured<RecoveryFigure>;
  /** The same rows read raw from the journal's table, as many streams at a time on as many connections as Engram's defaults. */
  readonly raw: Measured<ReadFigure>;
  readonly withSnapshots: Measured<RecoveryFigure>;
}

/**
 * The field case: events written once through the journal, every actor recovered `reps` times;
 * then the latest two snapshots per actor (every `snapshotEvery` events) saved and every actor
 * recovered again. Each recovery in a fresh process; medians by time.
 */
export async function fieldFigures(schemas: BenchSchemas, actors: number, total: number, snapshotEvery: number, reps: number): Promise<FieldFigures> {
  const field = fieldCase(actors, total);
  const schema = await schemas.fresh('engram_field');
  try {
    const journal = new PostgresJournal({ connectionString: schemas.url, schema });
    await fillFieldEvents(journal, field);
    await journal.close();
    await schemas.vacuum(schema);
    const recoverEvery = () =>
      inFreshProcess({ kind: 'engram', url: schemas.url, schema, ids: { fieldActors: actors, fieldTotal: total }, expectedEvents: total });
    const withoutSnapshots = medianBy(await repeat(reps, recoverEvery), (r) => -r.figure.seconds);
    const readRaw = () =>
      inFreshProcess({ kind: 'rawField', url: schemas.url, schema, ids: { fieldActors: actors, fieldTotal: total }, concurrency: 50, poolSize: 10 });
    const raw = medianBy(await repeat(reps, readRaw), (r) => -r.figure.seconds);
    const snapshots = new PostgresSnapshotStore({ connectionString: schemas.url, schema });
    await fillFieldSnapshots(snapshots, field, snapshotEvery, 16);
    await snapshots.close();
    await schemas.vacuum(schema);
    const withSnapshots = medianBy(await repeat(reps, recoverEvery), (r) => -r.figure.seconds);
    return { description: field.description, actors, total, withoutSnapshots, raw, withSnapshots };
  } finally {
    await schemas.drop(schema);
  }
}

export interface EmmettAggregateFigures {
  /** Median by rate; memory is the largest peak growth of all runs. */
  readonly median: Measured<AggregateFigure>;
  readonly runs: readonly AggregateFigure[];
}

/** One Emmett stream of `events` events (appended in calls of 5,000), aggregated `reps` times, each in a fresh process. */
export async function emmettAggregateFigures(schemas: BenchSchemas, events: number, reps: number): Promise<EmmettAggregateFigures> {
  const { store, schema } = await emmettStore(schemas, 'emmett_aggregate');
  const stream = 'Account-big';
  try {
    try {
      await emmettFill(store, stream, events, 5_000);
    } finally {
      await store.close();
    }
    await schemas.vacuum(schema);
    const runs = await repeat(reps, () => inFreshProcess({ kind: 'emmett', url: schemas.urlFor(schema), stream, expectedEvents: events }));
    return { median: medianWithPeakMemory(runs, (f) => f.eventsPerSecond), runs: runs.map((r) => r.figure) };
  } finally {
    await schemas.drop(schema);
  }
}
