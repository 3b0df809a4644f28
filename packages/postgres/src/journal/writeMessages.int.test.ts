import { isSequenceConflict, type AtomicWrite } from '@engram/core/spi';
import { afterAll, describe, expect, it } from 'vitest';
import { atomic, event, replayAll } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresJournal } from './PostgresJournal.js';

const db = await postgresForTests('group_commit');

describe.skipIf(!db.available)('PostgresJournal group commit', () => {
  const journal = new PostgresJournal({ connectionString: db.url, schema: db.schema });
  /** Another process's journal on the same tables: the second writer. */
  const other = new PostgresJournal({ connectionString: db.url, schema: db.schema });
  afterAll(async () => {
    await journal.close();
    await other.close();
  });
  let counter = 0;
  const ids = (n: number): string[] => Array.from({ length: n }, () => `Actor|${++counter}`);

  async function rowsOf(pid: string): Promise<{ seq: number; writer: string }[]> {
    return (await replayAll(journal, pid)).map((e) => ({ seq: e.sequenceNr, writer: e.writerUuid }));
  }

  async function tagRows(pids: readonly string[]): Promise<number> {
    const result = await db
      .admin()
      .query(`SELECT count(*)::int AS n FROM "${db.schema}".engram_event_tag WHERE persistence_id = ANY($1)`, [pids]);
    return result.rows[0].n;
  }

  it('stores a tick of 1,000 one-event writes from 1,000 actors', async () => {
    const pids = ids(1000);
    const results = await journal.writeMessages(pids.map((pid) => atomic(pid, [1], { tags: ['tick'] })));
    expect(results.every((r) => r === undefined)).toBe(true);
    const stored = await db
      .admin()
      .query(`SELECT count(*)::int AS n FROM "${db.schema}".engram_journal WHERE persistence_id = ANY($1)`, [pids]);
    expect(stored.rows[0].n).toBe(1000);
    expect(await tagRows(pids)).toBe(1000);
  });

  it('stores control characters, long and non-ASCII payloads, negative timestamps and changing writers exactly', async () => {
    const [plain, other] = ids(2);
    const odd = `Line\nbreak\ttab\u0001|${++counter}`;
    const writes: AtomicWrite[] = [
      { persistenceId: odd, events: [event(odd, 1, { payload: 'ctl \u0002 \n', tags: ['tab\there', 'nl\n'], timestamp: -5 })] },
      { persistenceId: plain as string, events: [event(plain as string, 1, { payload: `ü€😀 ${'x'.repeat(20_000)}`, writerUuid: 'w-1', tags: ['a'] })] },
      {
        persistenceId: plain as string,
        events: [event(plain as string, 2, { writerUuid: 'w-2' }), event(plain as string, 3, { writerUuid: 'w-2', manifest: 'Other\u0003' })],
      },
      { persistenceId: other as string, events: [event(other as string, 1, { timestamp: Number.MAX_SAFE_INTEGER, tags: ['t'] })] },
    ];
    expect(await journal.writeMessages(writes)).toEqual(writes.map(() => undefined));
    expect(await replayAll(journal, plain as string)).toEqual([...(writes[1]?.events ?? []), ...(writes[2]?.events ?? [])]);
    expect(await replayAll(journal, odd)).toEqual(writes[0]?.events);
    expect(await replayAll(journal, other as string)).toEqual(writes[3]?.events);
  });

  it('fails only the conflicting one-event write of a batch', async () => {
    const [a, taken, b] = ids(3) as [string, string, string];
    await other.writeMessages([atomic(taken, [1], { writerUuid: 'other' })]);
    const results = await journal.writeMessages([atomic(a, [1]), atomic(taken, [1]), atomic(b, [1])]);
    expect(results[0]).toBeUndefined();
    expect(isSequenceConflict(results[1])).toBe(true);
    expect(results[1]).toMatchObject({ persistenceId: taken, sequenceNr: 1 });
    expect(results[2]).toBeUndefined();
    expect(await rowsOf(a)).toEqual([{ seq: 1, writer: 'writer-1' }]);
    expect(await rowsOf(taken)).toEqual([{ seq: 1, writer: 'other' }]);
    expect(await rowsOf(b)).toEqual([{ seq: 1, writer: 'writer-1' }]);
  });

  it('refuses a write that does not start above the highest, stores none of it nor its tags, and lands the rest', async () => {
    const [a, taken, b] = ids(3) as [string, string, string];
    // The other writer holds only seq 2: seq 1 and 3 of our write are free keys, yet seq 1 is not
    // above the highest, so none of the write may land.
    await other.writeMessages([{ persistenceId: taken, events: [atomic(taken, [2], { writerUuid: 'other' }).events[0]!] }]);
    const results = await journal.writeMessages([
      atomic(a, [1, 2], { tags: ['t'] }),
      atomic(taken, [1, 2, 3], { tags: ['t', 'u'] }),
      atomic(b, [1], { tags: ['t'] }),
    ]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toMatchObject({ name: 'SequenceConflict', persistenceId: taken, sequenceNr: 1 });
    expect(results[2]).toBeUndefined();
    expect(await rowsOf(taken)).toEqual([{ seq: 2, writer: 'other' }]);
    expect(await journal.readHighestSequenceNr(taken, 0)).toBe(2);
    expect(await rowsOf(a)).toHaveLength(2);
    expect(await rowsOf(b)).toHaveLength(1);
    expect(await tagRows([taken])).toBe(0);
    expect(await tagRows([a, b])).toBe(3);
  });

  it('refuses a stale writer after a delete, in a call whose other writes land', async () => {
    const [pid, bystander] = ids(2) as [string, string];
    await journal.writeMessages([atomic(pid, [1, 2, 3, 4, 5])]);
    await journal.deleteMessagesTo(pid, 5);
    // `other` recovered at seq 2, before the delete, and writes on from there.
    const results = await other.writeMessages([atomic(bystander, [1]), atomic(pid, [3], { writerUuid: 'stale' }), atomic(pid, [4])]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toMatchObject({ name: 'SequenceConflict', persistenceId: pid, sequenceNr: 3 });
    expect(results[2]).toMatchObject({ name: 'SequenceConflict', persistenceId: pid, sequenceNr: 3 });
    expect(await rowsOf(pid)).toEqual([]);
    expect(await rowsOf(bystander)).toHaveLength(1);
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(5);
    expect(await journal.writeMessages([atomic(pid, [6])])).toEqual([undefined]);
    expect(await rowsOf(pid)).toEqual([{ seq: 6, writer: 'writer-1' }]);
  });

  it('fails a multi-event write whose every event is taken, and lands the rest', async () => {
    const [taken, c] = ids(2) as [string, string];
    await other.writeMessages([atomic(taken, [1, 2], { writerUuid: 'other' })]);
    const results = await journal.writeMessages([atomic(c, [1, 2, 3]), atomic(taken, [1, 2])]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toMatchObject({ name: 'SequenceConflict', persistenceId: taken, sequenceNr: 1 });
    expect(await rowsOf(taken)).toEqual([
      { seq: 1, writer: 'other' },
      { seq: 2, writer: 'other' },
    ]);
    expect(await rowsOf(c)).toHaveLength(3);
  });

  it('fails the later writes of an id after its conflict, so no hole is left', async () => {
    const [taken, c] = ids(2) as [string, string];
    await other.writeMessages([atomic(taken, [1], { writerUuid: 'other' })]);
    const results = await journal.writeMessages([atomic(taken, [1]), atomic(c, [1]), atomic(taken, [2, 3])]);
    expect(results.map((r) => r?.name)).toEqual(['SequenceConflict', undefined, 'SequenceConflict']);
    expect(await rowsOf(taken)).toEqual([{ seq: 1, writer: 'other' }]);
    expect(await rowsOf(c)).toHaveLength(1);
  });

  it('treats the same sequence nr twice in one call as a conflict of the second copy', async () => {
    const [p] = ids(1) as [string];
    const results = await journal.writeMessages([atomic(p, [1]), atomic(p, [1], { writerUuid: 'dup' })]);
    expect(results[0]).toBeUndefined();
    expect(isSequenceConflict(results[1])).toBe(true);
    expect(await rowsOf(p)).toEqual([{ seq: 1, writer: 'writer-1' }]);
  });

  it('lets exactly one of two racing writers of an id win, and the rest of both batches land', async () => {
    const [contested] = ids(1) as [string];
    const mine = ids(50);
    const theirs = ids(50);
    const [a, b] = await Promise.all([
      journal.writeMessages([...mine.map((p) => atomic(p, [1, 2])), atomic(contested, [1, 2], { writerUuid: 'A' })]),
      other.writeMessages([...theirs.map((p) => atomic(p, [1])), atomic(contested, [1, 2], { writerUuid: 'B' })]),
    ]);
    const conflicts = [a.at(-1), b.at(-1)].filter((r) => isSequenceConflict(r));
    expect(conflicts).toHaveLength(1);
    expect(a.slice(0, -1).every((r) => r === undefined)).toBe(true);
    expect(b.slice(0, -1).every((r) => r === undefined)).toBe(true);
    const rows = await rowsOf(contested);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
    expect(new Set(rows.map((r) => r.writer)).size).toBe(1);
  });

  it('two writers of the same ids, in opposite orders, wait for each other instead of deadlocking', async () => {
    for (let round = 0; round < 20; round++) {
      const contested = ids(50);
      const [a, b] = await Promise.all([
        journal.writeMessages(contested.map((p) => atomic(p, [1], { writerUuid: 'A' }))),
        other.writeMessages([...contested].reverse().map((p) => atomic(p, [1], { writerUuid: 'B' }))),
      ]);
      const bByPid = new Map([...contested].reverse().map((p, i) => [p, b[i]]));
      contested.forEach((p, i) => {
        expect([a[i], bByPid.get(p)].filter((r) => r === undefined), `one writer of ${p} wins`).toHaveLength(1);
      });
    }
  });

  it('splits a large call into several statements of one transaction, failing only the conflict', async () => {
    const pids = ids(12_000);
    const taken = pids[9_000] as string;
    await other.writeMessages([atomic(taken, [1], { writerUuid: 'other' })]);
    // The refused id comes back in the last chunk too: it must not land there either.
    const results = await journal.writeMessages([...pids.map((pid) => atomic(pid, [1])), atomic(taken, [2])]);
    expect(results.filter((r) => r !== undefined).map((r) => r?.name)).toEqual(['SequenceConflict', 'SequenceConflict']);
    expect(isSequenceConflict(results[9_000])).toBe(true);
    expect(results[12_000]).toMatchObject({ name: 'SequenceConflict', persistenceId: taken, sequenceNr: 1 });
    expect(await rowsOf(taken)).toEqual([{ seq: 1, writer: 'other' }]);
    const stored = await db
      .admin()
      .query(`SELECT count(*)::int AS n FROM "${db.schema}".engram_journal WHERE persistence_id = ANY($1)`, [pids]);
    expect(stored.rows[0].n).toBe(12_000);
  });

  it('lands a call of 6,000 writes of one id, more than one statement holds, in order', async () => {
    const [pid] = ids(1) as [string];
    const writes = Array.from({ length: 6_000 }, (_, i) => atomic(pid, [i + 1]));
    const results = await journal.writeMessages(writes);
    expect(results.every((r) => r === undefined)).toBe(true);
    const replayed = await replayAll(other, pid);
    expect(replayed.map((e) => e.sequenceNr)).toEqual(writes.map((_, i) => i + 1));
    expect(new Set(replayed.map((e) => e.writerUuid))).toEqual(new Set(['writer-1']));
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(6_000);
  });

  it('runs concurrent calls over the pool', async () => {
    const calls: AtomicWrite[][] = Array.from({ length: 8 }, () => ids(200).map((p) => atomic(p, [1, 2])));
    const results = await Promise.all(calls.map((writes) => journal.writeMessages(writes)));
    expect(results.flat().every((r) => r === undefined)).toBe(true);
    for (const writes of calls) {
      for (const write of writes.slice(0, 3)) expect(await rowsOf(write.persistenceId)).toHaveLength(2);
    }
  });
});
