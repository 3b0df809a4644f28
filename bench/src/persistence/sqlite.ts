/**
 * Persistent actors on the embedded SQLite store, end to end through the engine: persist
 * throughput and recovery, each printed next to bare better-sqlite3 doing the same shape of work in
 * the same run. Prints figures; asserts nothing.
 *
 *   npm run bench:persistence            (SCALE=0.1 for a quick run)
 */
import { SqliteJournal } from '@engram/sqlite';
import Database from 'better-sqlite3';
import { formatRate, machineLine } from '../lib/report.js';
import { openNaive } from '../sqlite/naive.js';
import { runOf, tempDir } from '../sqlite/workload.js';
import { recoverAll, type RecoveryFigure } from './recoverAll.js';
import { fieldCase, fillField } from './fieldCase.js';
import { inFlightOf, persistThroughput, type WriteShape } from './persistThroughput.js';
import { printTable } from './table.js';
import { sameAsRawPayload } from './accountEvents.js';

const scale = Number(process.env['SCALE'] ?? '1');
const n = (count: number) => Math.max(1, Math.round(count * scale));

/** The workload: 1,000 actors, each command asked and answered after its event is stored (as an HTTP handler does), up to 200 in flight per actor. */
const ASK_SHAPE: WriteShape = {
  name: '1,000 actors, each command asked',
  actors: 1_000,
  perActor: n(200),
  mode: 'persist',
  rawBatch: 1_000,
  send: 'ask',
  inFlight: 200,
};

async function writes(): Promise<void> {
  const shapes: WriteShape[] = [
    { name: '1 actor, sequential persist', actors: 1, perActor: n(20_000), mode: 'persist', rawBatch: 1 },
    { name: '100 actors concurrently', actors: 100, perActor: n(1_000), mode: 'persist', rawBatch: 100 },
    { name: '1,000 actors concurrently', actors: 1_000, perActor: n(200), mode: 'persist', rawBatch: 1_000 },
    ASK_SHAPE,
    { name: '1 actor, persistAsync', actors: 1, perActor: n(100_000), mode: 'persistAsync', rawBatch: 1_000 },
  ];
  const rows: string[][] = [];
  let rowsPerStatement = 0;
  for (const shape of shapes) {
    const figure = await persistThroughput(shape);
    rowsPerStatement = figure.rawRowsPerStatement;
    const events = shape.actors * shape.perActor;
    rows.push([
      `${shape.name} (${events.toLocaleString('en')} events, ${shape.send ?? 'tell'}, up to ${inFlightOf(shape)} in flight per actor)`,
      `${formatRate(figure.engram)} ev/s`,
      `${formatRate(figure.raw)} rows/s`,
      `${(figure.engram / figure.raw).toFixed(2)}x`,
      `${formatRate(figure.rawSameLayout)} rows/s`,
      `${(figure.engram / figure.rawSameLayout).toFixed(2)}x`,
      ((figure.cpu.clientMs * 1000) / events).toFixed(1),
      `${figure.calls.toLocaleString('en')} calls, ${figure.eventsPerCall.toFixed(0)} ev/call`,
    ]);
  }
  printTable(
    'Persist throughput, one event per command (engram: commands in flight per actor like clients awaiting answers, until the last is stored and answered; ' +
      'tell: told, counted by a side effect after the event is stored; ask: sent with ask and answered by thenReply after the event is stored. ' +
      'raw naive: bare better-sqlite3, naive (pid, seq) table, one row per INSERT; ' +
      `raw same layout: bare better-sqlite3 on SqliteJournal's tables and settings, multi-row INSERTs of up to ${rowsPerStatement} rows; ` +
      'both raw baselines in transactions of as many rows as the engram write calls would ideally group; ' +
      "engram's payloads checked byte-identical to the same-layout baseline's after every run)",
    ['workload', 'engram', 'raw naive', 'engram/naive', 'raw same layout', 'engram/same layout', 'engram CPU µs/ev', 'journal calls'],
    rows,
  );
}

async function recoveryOfOne(): Promise<void> {
  const events = n(1_000_000);
  const tmp = tempDir('recovery-one');
  const path = `${tmp.dir}/engram.db`;
  const journal = new SqliteJournal({ path });
  const pid = 'Account|big';
  for (let from = 1; from <= events; from += 10_000) {
    const batch = runOf(pid, from, Math.min(10_000, events - from + 1));
    await journal.writeMessages([{ persistenceId: pid, events: batch.map((e) => ({ ...e, serializerId: 1 })) }]);
  }
  await journal.close();
  const naive = openNaive(`${tmp.dir}/naive.db`);
  for (let from = 1; from <= events; from += 10_000) naive.write(runOf(pid, from, Math.min(10_000, events - from + 1)));

  const rawRate = (): number => {
    const start = performance.now();
    let count = 0;
    for (let seq = 1; ; ) {
      const page = naive.page(pid, seq, 1000);
      if (page.length === 0) break;
      for (const row of page) JSON.parse(row[naive.payloadIndex] as string);
      count += page.length;
      seq = (page[page.length - 1]![naive.seqIndex] as number) + 1;
    }
    return count / ((performance.now() - start) / 1000);
  };
  const figures: { engram: RecoveryFigure; raw: number }[] = [];
  for (let run = 0; run < 3; run++) {
    const raw = rawRate();
    const engram = (await recoverAll(path, [pid], { expectedEvents: events }))!;
    figures.push({ engram, raw });
  }
  figures.sort((a, b) => a.engram.eventsPerSecond - b.engram.eventsPerSecond);
  const median = figures[1]!;
  naive.db.close();
  tmp.remove();
  printTable(
    `Recovery of one actor with ${events.toLocaleString('en')} events (median of 3; raw: bare better-sqlite3 paging the same rows from a naive table with JSON.parse)`,
    ['', 'engram', 'raw read + parse', 'engram/raw', 'peak memory growth'],
    [
      [
        `${events.toLocaleString('en')} events`,
        `${formatRate(median.engram.eventsPerSecond)} ev/s (${median.engram.seconds.toFixed(2)} s)`,
        `${formatRate(median.raw)} rows/s`,
        `${(median.engram.eventsPerSecond / median.raw).toFixed(2)}x`,
        `${median.engram.peakRssGrowthMiB.toFixed(0)} MiB RSS, ${median.engram.peakHeapGrowthMiB.toFixed(0)} MiB heap`,
      ],
    ],
  );
}

async function recoveryOfMany(): Promise<void> {
  const field = fieldCase(n(10_000), n(1_700_000));
  const rows: string[][] = [];
  for (const snapshots of [false, true]) {
    const tmp = tempDir('recovery-many');
    const path = `${tmp.dir}/engram.db`;
    await fillField(path, field, snapshots ? 200 : 0);
    const figure = (await recoverAll(path, field.ids, { expectedEvents: field.total }))!;
    rows.push([
      snapshots ? 'with snapshots every 200 events (latest 2 kept)' : 'no snapshots',
      `${figure.seconds.toFixed(2)} s`,
      `${figure.eventsReplayed.toLocaleString('en')} events replayed`,
      `${formatRate(figure.eventsReplayed / figure.seconds)} ev/s`,
      `${figure.peakRssGrowthMiB.toFixed(0)} MiB`,
    ]);
    if (!snapshots) {
      const raw = rawReadOfEveryStream(path, field.total);
      rows.push([
        'raw: every stream read from the same file by bare better-sqlite3, its index joined to the events, JSON.parse',
        `${raw.toFixed(2)} s`,
        `${field.total.toLocaleString('en')} rows`,
        `${formatRate(field.total / raw)} rows/s`,
        '',
      ]);
    }
    tmp.remove();
  }
  printTable(
    `The field case: ${field.total.toLocaleString('en')} events over ${field.ids.length.toLocaleString('en')} actors (${field.description}), every actor recovered, 50 at a time. Akka Persistence on a 3-node Cassandra cluster, no snapshots: 5 min 21 s (the field report's figure, other hardware)`,
    ['', 'all recovered in', 'replayed', 'rate', 'peak RSS growth'],
    rows,
  );
}

/**
 * The field case's reads without the engine: each stream's rows in sequence nr order through the
 * journal's own (stream, seq nr) index, each event by its ordering, every payload parsed. The
 * rows of one stream lie scattered over the file (events are stored in commit order), as for the
 * engine. Returns the seconds taken.
 */
function rawReadOfEveryStream(path: string, expected: number): number {
  const db = new Database(path, { readonly: true });
  db.pragma('cache_size = -65536');
  const ids = db.prepare<[], number>('SELECT id FROM streams ORDER BY id').pluck(true).all();
  const rows = db
    .prepare<[number], [number, Buffer | string]>(
      'SELECT e.seq_nr, e.payload FROM event_index i JOIN events e ON e.ordering = i.ordering WHERE i.stream_id = ? ORDER BY i.seq_nr',
    )
    .raw(true);
  const start = performance.now();
  let count = 0;
  for (const id of ids) {
    for (const [, payload] of rows.iterate(id)) {
      JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
      count++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  if (count !== expected) throw new Error(`the raw read found ${count} rows, expected ${expected}`);
  return seconds;
}

async function main(): Promise<void> {
  console.log(`Engram persistence on SQLite (${await machineLine()}, scale ${scale})`);
  if (!sameAsRawPayload('Account|1', 1) || !sameAsRawPayload('Account|big', 1_000_000)) {
    throw new Error('the engine would store other bytes than the raw baseline: the comparison would be unfair');
  }
  await writes();
  await recoveryOfOne();
  await recoveryOfMany();
}

await main();
