import { ActorSystem, ask } from '@engram/core';
import { counter } from '../getting-started/counter.js';
import { createPool, migrate, storesOnPool } from './stores.js';

/** The counter of chapter 1 on PostgreSQL: a deploy step, then two runs of the application. */
export async function visitsOnPostgres(connectionString: string, schema: string, print: (line: string) => void = console.log) {
  await migrate(connectionString, schema);

  const pool = createPool(connectionString);
  for (const run of [1, 2]) {
    const system = ActorSystem.create('counters', { persistence: storesOnPool(pool, schema) });
    const visits = system.spawn(counter('visits'), 'visits');
    const count = await ask(visits, (replyTo) => ({ type: 'increment', by: 1, replyTo }), { timeoutMs: 5000 });
    print(`run ${run}: ${count} visits`);
    await system.terminate(); // closes the stores; the pool is yours
  }
  await pool.end();
}
