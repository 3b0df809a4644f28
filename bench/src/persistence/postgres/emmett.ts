import { STREAM_DOES_NOT_EXIST, type Event, type ExpectedStreamVersion } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { depositedEvent, type Balance } from '../accountEvents.js';
import type { BenchSchemas } from './BenchSchemas.js';
import { sampleMemory, type MemoryPeak } from './sampleMemory.js';

/** The benchmark's event as an Emmett event: the same fields as Engram's `Deposited`. */
type DepositedEvent = Event<'Deposited', { account: string; seq: number; amount: number; note: string }>;

function emmettEvent(stream: string, seq: number): DepositedEvent {
  const { type, ...data } = depositedEvent(stream, seq);
  return { type, data };
}

/**
 * An Emmett 0.42 PostgreSQL event store in a fresh schema, used as its documentation says. Its
 * tables are created by `schema.migrate()` on a pool of its own, then the store used for the
 * figures is created with `autoMigration: 'None'`: Emmett's default auto-migration leaves a 10 s
 * `statement_timeout` on a pooled connection, which a long `aggregateStream` then hits.
 */
export async function emmettStore(schemas: BenchSchemas, label: string): Promise<{ store: PostgresEventStore; schema: string }> {
  const schema = await schemas.fresh(label);
  // Emmett has no schema option: its sessions find their tables through the search_path.
  const url = schemas.urlFor(schema);
  const migrationPool = new pg.Pool({ connectionString: url, max: 1 });
  migrationPool.on('error', () => {});
  try {
    await getPostgreSQLEventStore(url, { connectionOptions: { pool: migrationPool } }).schema.migrate();
  } finally {
    await migrationPool.end();
  }
  return { store: emmettStoreFor(url), schema };
}

/** The store the figures use, on tables `emmettStore` created (`url` from `BenchSchemas.urlFor`). */
export function emmettStoreFor(url: string): PostgresEventStore {
  return getPostgreSQLEventStore(url, { schema: { autoMigration: 'None' } });
}

/**
 * `streams` concurrent streams, each appending `calls` times `eventsPerCall` events, one call at a
 * time per stream with the expected version (as a command handler does); events per second.
 */
export async function emmettAppendRate(store: PostgresEventStore, streams: number, calls: number, eventsPerCall: number): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const stream = `Account-${s}`;
      let expected: ExpectedStreamVersion = STREAM_DOES_NOT_EXIST;
      let seq = 0;
      for (let call = 0; call < calls; call++) {
        const events = Array.from({ length: eventsPerCall }, () => emmettEvent(stream, ++seq));
        const result: { nextExpectedStreamVersion: bigint } = await store.appendToStream(stream, events, { expectedStreamVersion: expected });
        expected = result.nextExpectedStreamVersion;
      }
    }),
  );
  return (streams * calls * eventsPerCall) / ((performance.now() - start) / 1000);
}

/** Appends `events` events to one stream in calls of `perCall`, untimed. */
export async function emmettFill(store: PostgresEventStore, stream: string, events: number, perCall: number): Promise<void> {
  for (let from = 1; from <= events; from += perCall) {
    const batch = Array.from({ length: Math.min(perCall, events - from + 1) }, (_, i) => emmettEvent(stream, from + i));
    await store.appendToStream(stream, batch);
  }
}

export interface AggregateFigure extends MemoryPeak {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

/** `aggregateStream` of the whole stream into the same state as Engram's account, timed, with peak memory. */
export async function emmettAggregate(store: PostgresEventStore, stream: string, expectedEvents: number): Promise<AggregateFigure> {
  const { result, seconds, peak } = await sampleMemory(() =>
    store.aggregateStream<Balance, DepositedEvent>(stream, {
      initialState: () => ({ balance: 0, count: 0 }),
      evolve: (state: Balance, event: DepositedEvent): Balance => ({ balance: state.balance + event.data.amount, count: state.count + 1 }),
    }),
  );
  if (result.state.count !== expectedEvents) throw new Error(`Emmett aggregated ${result.state.count} events of ${stream}, expected ${expectedEvents}`);
  return { ...peak, events: result.state.count, seconds, eventsPerSecond: result.state.count / seconds };
}
