import { Projection, SourceProvider, type EventEnvelope } from '@engram/core';
import { PostgresOffsetStore, PostgresReadJournal } from '@engram/postgres';
import type pg from 'pg';
import { accountTag, type AccountLog } from './accountLog.js';
import { firstEnvelopes, projectUntil } from './projectionRun.js';
import { RawPostgres, summaryUpsert } from './rawPostgres.js';
import { medianRate, stoppedBefore, type Rate } from './rates.js';
import { printProjections } from './report.js';

type Deposit = { readonly amount: number };

/** The handler's one statement per group (or per event): the raw loop's upsert, on the offset store's client in its transaction. */
async function upsertAll(client: pg.PoolClient, table: string, envelopes: readonly EventEnvelope<Deposit>[]): Promise<void> {
  const ids: string[] = [];
  const seqs: number[] = [];
  const amounts: number[] = [];
  for (const envelope of envelopes) {
    ids.push(envelope.persistenceId);
    seqs.push(envelope.sequenceNr);
    amounts.push(envelope.event.amount);
  }
  await client.query(summaryUpsert(table), [ids, seqs, amounts]);
}

/**
 * One exactly-once run: an empty summary table, a projection name never used, a
 * PostgresReadJournal as its source and a PostgresOffsetStore (pools of their own, as an
 * application would have), one upserted summary row per event.
 */
async function engramRun(url: string, admin: pg.Pool, schema: string, kind: 'grouped' | 'exactlyOnce', events: number, groupSize: number, rep: number): Promise<Rate> {
  const table = `"${schema}".engram_summary`;
  await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.query(`CREATE TABLE ${table} (persistence_id text NOT NULL, sequence_nr bigint NOT NULL, amount bigint NOT NULL, PRIMARY KEY (persistence_id, sequence_nr))`);
  const readJournal = new PostgresReadJournal<Deposit>({ connectionString: url, schema });
  const offsetStore = new PostgresOffsetStore({ connectionString: url, schema });
  let handled = 0;
  const common = { name: `account-summary-${kind}-${rep}`, source: firstEnvelopes(SourceProvider.eventsByTag(readJournal, accountTag), events), offsetStore };
  const projection =
    kind === 'grouped'
      ? Projection.grouped<Deposit, pg.PoolClient>({
          ...common,
          groupSize,
          handler: async (envelopes, client) => {
            await upsertAll(client, table, envelopes);
            handled += envelopes.length;
          },
        })
      : Projection.exactlyOnce<Deposit, pg.PoolClient>({
          ...common,
          handler: async (envelope, client) => {
            await upsertAll(client, table, [envelope]);
            handled++;
          },
        });
  try {
    return await projectUntil(projection as Projection<unknown>, () => handled, events);
  } finally {
    await readJournal.close();
    await offsetStore.close();
  }
}

/** Exactly-once projections on the PostgreSQL journal of the catch-up figure, next to the raw page-per-transaction loop. */
export async function postgresProjections(url: string, admin: pg.Pool, schema: string, log: AccountLog, reps: number, n: (count: number) => number): Promise<void> {
  const groupSize = 1_000;
  const groupedEvents = Math.min(log.events, n(500_000));
  const singleEvents = Math.min(log.events, n(2_000));
  const raw = new RawPostgres(admin, schema);
  const runs = { grouped: [] as Rate[], rawGrouped: [] as Rate[], single: [] as Rate[], rawSingle: [] as Rate[] };
  for (let rep = 0; rep < reps; rep++) {
    runs.rawGrouped.push(await raw.projectPages(groupedEvents, groupSize));
    runs.rawSingle.push(await raw.projectPages(singleEvents, 1));
    if (!stoppedBefore(runs.grouped)) runs.grouped.push(await engramRun(url, admin, schema, 'grouped', groupedEvents, groupSize, rep));
    if (!stoppedBefore(runs.single)) runs.single.push(await engramRun(url, admin, schema, 'exactlyOnce', singleEvents, groupSize, rep));
  }
  printProjections(
    'Exactly-once projection into a summary table during catch-up (one upserted row per event: one unnest statement per group, PostgresOffsetStore; raw: pg reading a keyset page by tag and writing it in one transaction with the offset), events/s',
    [
      { name: `Projection.grouped, groupSize ${groupSize.toLocaleString('en')}`, engram: medianRate(runs.grouped), raw: medianRate(runs.rawGrouped), rawName: `${groupSize.toLocaleString('en')} events per transaction` },
      { name: 'Projection.exactlyOnce (a transaction per event)', engram: medianRate(runs.single), raw: medianRate(runs.rawSingle), rawName: '1 event per transaction' },
    ],
  );
}
