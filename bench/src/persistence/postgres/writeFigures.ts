import { pidOf, roundOf, runOf } from '../../sqlite/workload.js';
import { engramWriteRate, type EngramWriteFigure, type WriteShape } from '../persistThroughput.js';
import type { BenchSchemas } from './BenchSchemas.js';
import { CpuMeter, type CpuFigure } from './CpuMeter.js';
import { engramPostgres } from './engramStores.js';
import { emmettAppendRate, emmettStore } from './emmett.js';
import { medianBy, repeat } from './median.js';
import { RawTable, type Statement } from './RawTable.js';

export interface EngramWrite extends EngramWriteFigure {
  readonly cpu: CpuFigure;
}

export interface RawWrite {
  /** Rows per second. */
  readonly rate: number;
  readonly cpu: CpuFigure;
}

export interface WriteRun {
  /** Engine defaults: 4 journal calls in flight (the PostgresJournal's `writeConcurrency`). */
  readonly engram: EngramWrite;
  /** `persistence.maxConcurrentWrites: 1`: one group commit at a time. */
  readonly engram1: EngramWrite;
  /** The raw driver on one connection. */
  readonly raw1: RawWrite;
  readonly raw4: RawWrite;
}

/** Each variant's median run by its own rate. */
export interface WriteFigure extends WriteRun {
  readonly shape: WriteShape;
  readonly runs: readonly WriteRun[];
}

/**
 * The raw statements of a shape: the same rows the actors persist, in the order they would,
 * `rawBatch` rows per multi-row INSERT (what one group commit of the shape can hold).
 */
function rawStatements(shape: WriteShape): Statement[] {
  const statements: Statement[] = [];
  const per = shape.rawBatch;
  if (shape.actors === 1) {
    for (let from = 1; from <= shape.perActor; from += per) {
      statements.push(RawTable.statement(runOf(pidOf(0), from, Math.min(per, shape.perActor - from + 1))));
    }
    return statements;
  }
  for (let round = 0; round < shape.perActor; round++) {
    const events = roundOf(shape.actors, round);
    for (let i = 0; i < events.length; i += per) statements.push(RawTable.statement(events.slice(i, i + per)));
  }
  return statements;
}

async function rawRate(schemas: BenchSchemas, statements: readonly Statement[], connections: number): Promise<RawWrite> {
  const table = await RawTable.create(schemas, `raw_write_${connections}`);
  try {
    const { result, cpu } = await CpuMeter.around(() => table.insert(statements, connections));
    return { rate: result, cpu };
  } finally {
    await schemas.drop(table.schema);
  }
}

async function engramRate(schemas: BenchSchemas, shape: WriteShape, maxConcurrentWrites?: number): Promise<EngramWrite> {
  const schema = await schemas.fresh('engram_write');
  try {
    const meter = new CpuMeter();
    const figure = await engramWriteRate(shape, () => engramPostgres(schemas.url, schema, maxConcurrentWrites), meter);
    return { ...figure, cpu: meter.figure };
  } finally {
    await schemas.drop(schema);
  }
}

/** Each shape `reps` times, the four variants interleaved so load changes hit all alike. */
export async function writeFigures(schemas: BenchSchemas, shapes: readonly WriteShape[], reps: number): Promise<WriteFigure[]> {
  const figures: WriteFigure[] = [];
  for (const shape of shapes) {
    const statements = rawStatements(shape);
    const runs = await repeat(reps, async () => ({
      raw1: await rawRate(schemas, statements, 1),
      raw4: await rawRate(schemas, statements, 4),
      engram: await engramRate(schemas, shape),
      engram1: await engramRate(schemas, shape, 1),
    }));
    figures.push({
      shape,
      engram: medianBy(runs, (r) => r.engram.rate).engram,
      engram1: medianBy(runs, (r) => r.engram1.rate).engram1,
      raw1: medianBy(runs, (r) => r.raw1.rate).raw1,
      raw4: medianBy(runs, (r) => r.raw4.rate).raw4,
      runs,
    });
  }
  return figures;
}

export interface EmmettWriteShape {
  readonly name: string;
  readonly streams: number;
  readonly calls: number;
  readonly eventsPerCall: number;
}

export interface EmmettWriteRun {
  /** Events per second. */
  readonly rate: number;
  readonly cpu: CpuFigure;
}

/** The median run by rate, and all runs. */
export interface EmmettWriteFigure extends EmmettWriteRun {
  readonly shape: EmmettWriteShape;
  readonly runs: readonly EmmettWriteRun[];
}

export async function emmettWriteFigures(schemas: BenchSchemas, shapes: readonly EmmettWriteShape[], reps: number): Promise<EmmettWriteFigure[]> {
  const figures: EmmettWriteFigure[] = [];
  for (const shape of shapes) {
    const runs = await repeat(reps, async () => {
      const { store, schema } = await emmettStore(schemas, 'emmett_write');
      try {
        const { result, cpu } = await CpuMeter.around(() => emmettAppendRate(store, shape.streams, shape.calls, shape.eventsPerCall));
        return { rate: result, cpu };
      } finally {
        await store.close();
        await schemas.drop(schema);
      }
    });
    figures.push({ ...medianBy(runs, (r) => r.rate), shape, runs });
  }
  return figures;
}
