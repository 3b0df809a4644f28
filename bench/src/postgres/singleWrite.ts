/**
 * One event per write, one write at a time, on PostgreSQL: what a lone actor persisting
 * sequentially pays, split into its parts. In the same run, interleaved:
 *
 * - raw: the `pg` driver's autocommit INSERT of (persistence_id, sequence_nr, payload) into a
 *   naive table keyed by the first two (the baseline of `bench:postgres`);
 * - raw into the journal's table: the same driver and the same one-row INSERT, into the table
 *   `PostgresJournal` created (its indexes and trigger), without the stream row that refuses a
 *   second writer;
 * - `PostgresJournal.writeMessages` with one one-event AtomicWrite per call.
 *
 *   npm run build && node bench/dist/postgres/singleWrite.js [writes=2000] [reps=3]
 *
 * Figures: writes per second, wall time per write, and this process's CPU per write.
 */
import { PostgresJournal } from '@engram/postgres';
import pg from 'pg';
import { adminPool, dropSchemas, eventOf, payloadFor, postgresUrl, schemaName } from './common.js';

const writes = Number(process.argv[2] ?? 2_000);
const reps = Number(process.argv[3] ?? 3);
if (!Number.isSafeInteger(writes) || writes < 1) throw new Error(`writes must be a positive integer, got "${process.argv[2]}"`);
if (!Number.isSafeInteger(reps) || reps < 1) throw new Error(`reps must be a positive integer, got "${process.argv[3]}"`);

interface Figure {
  readonly perSecond: number;
  readonly wallMicros: number;
  readonly cpuMicros: number;
}

async function timed(write: (sequenceNr: number) => Promise<unknown>): Promise<Figure> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let seq = 1; seq <= writes; seq++) await write(seq);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { perSecond: (writes * 1000) / ms, wallMicros: (ms * 1000) / writes, cpuMicros: (used.user + used.system) / writes };
}

const admin = adminPool();
const schema = schemaName('single');
await admin.query(`CREATE SCHEMA "${schema}"`);
await admin.query(`CREATE TABLE "${schema}".naive (persistence_id text, sequence_nr bigint, payload text, PRIMARY KEY (persistence_id, sequence_nr))`);
const journal = new PostgresJournal({ connectionString: postgresUrl, schema });
const raw = new pg.Client(postgresUrl);
await raw.connect();
try {
  await journal.migrate();
  // The event type's row, so that the raw INSERT into the journal's table can name it.
  await journal.writeMessages([{ persistenceId: 'warm-up', events: [eventOf('warm-up', 1)] }]);
  const typeId = (await raw.query<{ id: number }>(`SELECT id FROM "${schema}".engram_event_type LIMIT 1`)).rows[0]?.id;
  const rows: Record<string, Figure[]> = { raw: [], 'raw into the journal table': [], 'PostgresJournal.writeMessages': [] };
  for (let rep = 0; rep < reps; rep++) {
    const id = (part: string) => `${part}-${rep}`;
    rows['raw']!.push(
      await timed((seq) =>
        raw.query({ name: 'naive', text: `INSERT INTO "${schema}".naive VALUES ($1, $2, $3)`, values: [id('raw'), seq, payloadFor(id('raw'), seq)] }),
      ),
    );
    rows['raw into the journal table']!.push(
      await timed((seq) =>
        raw.query({
          name: 'journal-table',
          text: `INSERT INTO "${schema}".engram_journal (persistence_id, sequence_nr, write_timestamp, type_id, payload_text) VALUES ($1, $2, $3, $4, $5)`,
          values: [id('table'), seq, 1_700_000_000_000 + seq, typeId, payloadFor(id('table'), seq)],
        }),
      ),
    );
    rows['PostgresJournal.writeMessages']!.push(
      await timed(async (seq) => {
        const [result] = await journal.writeMessages([{ persistenceId: id('journal'), events: [eventOf(id('journal'), seq)] }]);
        if (result !== undefined) throw result;
      }),
    );
  }
  console.log(`${writes} one-event writes in a row, ${reps} interleaved runs each (rates, then µs per write: wall / this process's CPU)`);
  const base = rows['raw']!;
  for (const [name, figures] of Object.entries(rows)) {
    const each = figures.map((f, i) => `${Math.round(f.perSecond)}/s ${(f.perSecond / base[i]!.perSecond).toFixed(2)}x (${f.wallMicros.toFixed(0)} / ${f.cpuMicros.toFixed(0)} µs)`);
    console.log(`${name.padEnd(32)} ${each.join('   ')}`);
  }
} finally {
  await raw.end();
  await journal.close();
  await dropSchemas(admin, [schema]);
  await admin.end();
}
