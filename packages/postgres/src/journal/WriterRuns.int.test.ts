import type { AtomicWrite } from '@engram/core/spi';
import { afterAll, describe, expect, it } from 'vitest';
import { atomic, replayAll } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresJournal } from './PostgresJournal.js';

const db = await postgresForTests('writer_runs');

/** Writer uuids are stored where a run of one writer's events starts; every event still has its own. */
describe.skipIf(!db.available)('PostgresJournal writer runs', () => {
  const options = { connectionString: db.url, schema: db.schema };
  const journal = new PostgresJournal(options);
  /** Another process on the same tables, with caches of its own. */
  const other = new PostgresJournal(options);
  afterAll(async () => {
    await journal.close();
    await other.close();
  });
  let counter = 0;
  const freshId = (): string => `Run|${++counter}`;

  const ok = async (on: PostgresJournal, ...writes: AtomicWrite[]): Promise<void> => {
    expect(await on.writeMessages(writes)).toEqual(writes.map(() => undefined));
  };

  async function writersFrom(on: PostgresJournal, pid: string, from: number): Promise<string[]> {
    return (await replayAll(on, pid, from)).map((e) => `${e.sequenceNr}:${e.writerUuid}`);
  }

  async function stored(pid: string): Promise<{ markers: string[]; runs: string[] }> {
    const admin = db.admin();
    const markers = await admin.query(
      `SELECT sequence_nr || ':' || writer_uuid AS m FROM "${db.schema}".engram_journal
       WHERE persistence_id = $1 AND writer_uuid IS NOT NULL ORDER BY sequence_nr`,
      [pid],
    );
    const runs = await admin.query(
      `SELECT first_sequence_nr || ':' || writer_uuid AS r FROM "${db.schema}".engram_writer_run
       WHERE persistence_id = $1 ORDER BY first_sequence_nr`,
      [pid],
    );
    return { markers: markers.rows.map((r) => r.m as string), runs: runs.rows.map((r) => r.r as string) };
  }

  it('gives every event its writer, replayed from anywhere, as writers change between and within calls', async () => {
    const pid = freshId();
    const bystander = freshId();
    await ok(journal, atomic(pid, [1, 2], { writerUuid: 'X' }));
    await ok(journal, atomic(pid, [3], { writerUuid: 'X' }), atomic(bystander, [1], { writerUuid: 'X' }));
    await ok(other, atomic(pid, [4, 5], { writerUuid: 'Y' }));
    await ok(journal, atomic(pid, [6], { writerUuid: 'Z' }), atomic(pid, [7, 8], { writerUuid: 'X' }), atomic(pid, [9], { writerUuid: 'X' }));
    const expected = ['1:X', '2:X', '3:X', '4:Y', '5:Y', '6:Z', '7:X', '8:X', '9:X'];
    for (const reader of [journal, other, new PostgresJournal(options)]) {
      for (let from = 1; from <= 9; from++) {
        expect(await writersFrom(reader, pid, from), `replay from ${from}`).toEqual(expected.slice(from - 1));
      }
    }
    // Only where a run starts does a row carry its writer.
    expect(await stored(pid)).toEqual({ markers: ['1:X', '4:Y', '6:Z', '7:X'], runs: ['1:X', '4:Y', '6:Z', '7:X'] });
    expect(await writersFrom(journal, bystander, 1)).toEqual(['1:X']);
  });

  it('stores the writer once for a long run written call by call', async () => {
    const pid = freshId();
    for (let seq = 1; seq <= 20; seq++) await ok(journal, atomic(pid, [seq], { writerUuid: 'long' }));
    expect(await stored(pid)).toEqual({ markers: ['1:long'], runs: ['1:long'] });
    expect(new Set((await replayAll(other, pid, 7, 12)).map((e) => e.writerUuid))).toEqual(new Set(['long']));
  });

  it('keeps the writer of the events after a delete, also of one that continues a deleted run', async () => {
    const pid = freshId();
    await ok(journal, atomic(pid, [1, 2, 3], { writerUuid: 'X' }));
    await ok(other, atomic(pid, [4, 5], { writerUuid: 'Y' }));
    await ok(other, atomic(pid, [6], { writerUuid: 'Y' }));
    await journal.deleteMessagesTo(pid, 4);
    expect(await writersFrom(journal, pid, 1)).toEqual(['5:Y', '6:Y']);
    // The run that starts at 4 still covers 5 and 6; the one before it describes deleted events only.
    expect((await stored(pid)).runs).toEqual(['4:Y']);
    await other.deleteMessagesTo(pid, Infinity);
    // Y goes on where it stopped: its event continues the run, whose first row is long gone.
    await ok(other, atomic(pid, [7], { writerUuid: 'Y' }));
    expect(await stored(pid)).toEqual({ markers: [], runs: ['4:Y'] });
    for (const reader of [journal, other]) expect(await writersFrom(reader, pid, 1)).toEqual(['7:Y']);
    await ok(journal, atomic(pid, [8], { writerUuid: 'X' }));
    expect(await writersFrom(other, pid, 8)).toEqual(['8:X']);
    expect(await writersFrom(journal, pid, 1)).toEqual(['7:Y', '8:X']);
  });

  it('does not lean on a write that was refused', async () => {
    const pid = freshId();
    await ok(journal, atomic(pid, [1], { writerUuid: 'X' }));
    await ok(other, atomic(pid, [2], { writerUuid: 'Y' }));
    // X's seq 2 is refused; X's next attempt must not pass for a continuation of it.
    const [refused] = await journal.writeMessages([atomic(pid, [2], { writerUuid: 'X' })]);
    expect(refused?.name).toBe('SequenceConflict');
    await ok(journal, atomic(pid, [3], { writerUuid: 'X' }));
    expect(await writersFrom(other, pid, 1)).toEqual(['1:X', '2:Y', '3:X']);
  });
});
