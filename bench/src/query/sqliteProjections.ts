import { Projection, SourceProvider, type EventEnvelope } from '@engram/core';
import { SqliteOffsetStore, SqliteReadJournal } from '@engram/sqlite';
import type Database from 'better-sqlite3';
import { accountTag, type AccountLog } from './accountLog.js';
import { firstEnvelopes, projectUntil, yieldingEvery } from './projectionRun.js';
import { RawSqlite } from './rawSqlite.js';
import { medianRate, stoppedBefore, type Rate } from './rates.js';
import { printProjections } from './report.js';

type Deposit = { readonly amount: number };

const summaryTable = `CREATE TABLE engram_summary (persistence_id TEXT NOT NULL, seq_nr INTEGER NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (persistence_id, seq_nr))`;
const upsertSql = `INSERT INTO engram_summary (persistence_id, seq_nr, amount) VALUES (?, ?, ?)
  ON CONFLICT (persistence_id, seq_nr) DO UPDATE SET amount = excluded.amount`;

/**
 * One exactly-once run on the file: an empty summary table, a projection name never used, a
 * SqliteReadJournal as its source and a SqliteOffsetStore (connections of their own, as an
 * application would have), one upserted summary row per event.
 */
async function engramRun(path: string, kind: 'grouped' | 'exactlyOnce', events: number, groupSize: number, rep: number, yieldEvery?: number): Promise<Rate> {
  const raw = new RawSqlite(path);
  raw.db.exec(`DROP TABLE IF EXISTS engram_summary; ${summaryTable}`);
  raw.close();
  const readJournal = new SqliteReadJournal<Deposit>({ path });
  const offsetStore = new SqliteOffsetStore({ path });
  let handled = 0;
  let upsert: Database.Statement<[string, number, number]> | undefined;
  const apply = (db: Database.Database, envelope: EventEnvelope<Deposit>) => {
    upsert ??= db.prepare(upsertSql);
    upsert.run(envelope.persistenceId, envelope.sequenceNr, envelope.event.amount);
    handled++;
  };
  const byTag = SourceProvider.eventsByTag(readJournal, accountTag);
  const source = firstEnvelopes(yieldEvery === undefined ? byTag : yieldingEvery(byTag, yieldEvery), events);
  const common = { name: `account-summary-${kind}${yieldEvery === undefined ? '' : '-yielding'}-${rep}`, source, offsetStore };
  const projection =
    kind === 'grouped'
      ? Projection.grouped<Deposit, Database.Database>({
          ...common,
          groupSize,
          handler: (envelopes, db) => {
            for (const envelope of envelopes) apply(db, envelope);
          },
        })
      : Projection.exactlyOnce<Deposit, Database.Database>({ ...common, handler: (envelope, db) => apply(db, envelope) });
  try {
    return await projectUntil(projection as Projection<unknown>, () => handled, events);
  } finally {
    await readJournal.close();
    await offsetStore.close();
  }
}

/** Exactly-once projections on the SQLite file of the catch-up figure, next to the raw page-per-transaction loop. */
export async function sqliteProjections(path: string, log: AccountLog, reps: number, n: (count: number) => number): Promise<void> {
  const groupSize = 1_000;
  const groupedEvents = Math.min(log.events, n(500_000));
  const singleEvents = Math.min(log.events, n(50_000));
  const runs = { grouped: [] as Rate[], yielding: [] as Rate[], rawGrouped: [] as Rate[], single: [] as Rate[], rawSingle: [] as Rate[] };
  for (let rep = 0; rep < reps; rep++) {
    const raw = new RawSqlite(path);
    try {
      runs.rawGrouped.push(raw.projectPages(groupedEvents, groupSize));
      runs.rawSingle.push(raw.projectPages(singleEvents, 1));
    } finally {
      raw.close();
    }
    if (!stoppedBefore(runs.grouped)) runs.grouped.push(await engramRun(path, 'grouped', groupedEvents, groupSize, rep));
    if (!stoppedBefore(runs.yielding)) runs.yielding.push(await engramRun(path, 'grouped', groupedEvents, groupSize, rep, groupSize));
    if (!stoppedBefore(runs.single)) runs.single.push(await engramRun(path, 'exactlyOnce', singleEvents, groupSize, rep));
  }
  printProjections(
    'Exactly-once projection into a summary table during catch-up (one upserted row per event, SqliteOffsetStore; raw: better-sqlite3 reading a page by tag and writing it in one transaction with the offset), events/s',
    [
      { name: `Projection.grouped, groupSize ${groupSize.toLocaleString('en')}`, engram: medianRate(runs.grouped), raw: medianRate(runs.rawGrouped), rawName: `${groupSize.toLocaleString('en')} events per transaction` },
      {
        name: `Projection.grouped, its source yielding to the event loop every ${groupSize.toLocaleString('en')} envelopes`,
        engram: medianRate(runs.yielding),
        raw: medianRate(runs.rawGrouped),
        rawName: `${groupSize.toLocaleString('en')} events per transaction`,
      },
      { name: 'Projection.exactlyOnce (a transaction per event)', engram: medianRate(runs.single), raw: medianRate(runs.rawSingle), rawName: '1 event per transaction' },
    ],
  );
}
