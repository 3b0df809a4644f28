import { isSequenceConflict, PayloadTooLarge, type PersistentRepr } from '@engram/core/spi';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidWrite } from '../errors/index.js';
import { atomic, event, replayAll } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresJournal } from './PostgresJournal.js';

const db = await postgresForTests('journal');

describe.skipIf(!db.available)('PostgresJournal', () => {
  const journal = new PostgresJournal({ connectionString: db.url, schema: db.schema });
  afterAll(() => journal.close());
  let counter = 0;
  const freshId = (): string => `Account|${++counter}`;

  /** The TCK.md setup: seq 1, 2, 3 as single writes and (4, 5) as one atomic write. */
  async function fiveEvents(): Promise<string> {
    const pid = freshId();
    for (const seq of [1, 2, 3]) {
      expect(await journal.writeMessages([atomic(pid, [seq], { payload: `"a-${seq}"` })])).toEqual([undefined]);
    }
    expect(
      await journal.writeMessages([{ persistenceId: pid, events: [4, 5].map((s) => event(pid, s, { payload: `"a-${s}"` })) }]),
    ).toEqual([undefined]);
    return pid;
  }
  const seqs = (events: readonly PersistentRepr[]): number[] => events.map((e) => e.sequenceNr);

  it.each([
    [1, Infinity, Infinity, [1, 2, 3, 4, 5]],
    [3, Infinity, Infinity, [3, 4, 5]],
    [1, 3, Infinity, [1, 2, 3]],
    [1, Infinity, 3, [1, 2, 3]],
    [2, 3, Infinity, [2, 3]],
    [2, 5, 2, [2, 3]],
    [2, 2, Infinity, [2]],
    [2, 4, 1, [2]],
    [2, 4, 0, []],
    [3, 2, Infinity, []],
  ])('replays from %s to %s, at most %s', async (from, to, max, expected) => {
    const pid = await fiveEvents();
    expect(seqs(await replayAll(journal, pid, from, to, max))).toEqual(expected);
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(5);
  });

  it('knows nothing of an unknown persistenceId', async () => {
    expect(await replayAll(journal, 'never-written')).toEqual([]);
    expect(await journal.readHighestSequenceNr('never-written', 0)).toBe(0);
  });

  it('deletes up to a sequence nr without lowering the highest', async () => {
    const pid = await fiveEvents();
    await journal.deleteMessagesTo(pid, 3);
    expect(seqs(await replayAll(journal, pid))).toEqual([4, 5]);
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(5);
  });

  it('after deleting everything the highest stays and the next write is highest + 1', async () => {
    const pid = await fiveEvents();
    await journal.deleteMessagesTo(pid, Infinity);
    expect(await replayAll(journal, pid)).toEqual([]);
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(5);
    expect(await journal.writeMessages([atomic(pid, [6])])).toEqual([undefined]);
    expect(seqs(await replayAll(journal, pid))).toEqual([6]);
    await journal.deleteMessagesTo(pid, 2);
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(6);
  });

  it('rejects one write of a batch without failing the others', async () => {
    const pid = await fiveEvents();
    const tooLarge = 'x'.repeat(1024 * 1024 + 1);
    const results = await journal.writeMessages([
      atomic(pid, [6]),
      atomic(pid, [7], { payload: tooLarge }),
      atomic(pid, [8]),
    ]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toBeInstanceOf(PayloadTooLarge);
    expect(results[1]).toMatchObject({ persistenceId: pid, sequenceNr: 7, sizeBytes: 1024 * 1024 + 1, maxBytes: 1024 * 1024 });
    expect(results[2]).toBeUndefined();
    expect(seqs(await replayAll(journal, pid))).toEqual([1, 2, 3, 4, 5, 6, 8]);
  });

  // A call of one event goes in the one-row statement, a call of several in the batch statement.
  it.each(['in one call', 'a call per event'])('returns every field as written, %s: text, bytes, metadata, tags, writer and timestamp', async (calls) => {
    const pid = freshId();
    const text = '{ "b": 1,  "a": [1.50, "ü 😀"] }';
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const written: PersistentRepr[] = [
      event(pid, 1, { payload: text, manifest: 'Opened@v2', tags: ['green', 'apple'], writerUuid: 'w-9', timestamp: 1234 }),
      event(pid, 2, { payload: bytes, serializerId: 7, manifest: '' }),
      event(pid, 3, { metadata: { serializerId: 3, manifest: 'Meta', payload: '{"trace":"t-1"}' } }),
      event(pid, 4, { metadata: { serializerId: 4, manifest: '', payload: new Uint8Array([9, 8]) } }),
      event(pid, 5, { payload: 'nul \u0000 inside', tags: ['a "quoted", \\ tag', '{braces}', 'NULL'] }),
    ];
    const writes = written.map((e) => ({ persistenceId: pid, events: [e] }));
    if (calls === 'in one call') {
      expect(await journal.writeMessages(writes)).toEqual(written.map(() => undefined));
    } else {
      for (const write of writes) expect(await journal.writeMessages([write])).toEqual([undefined]);
    }
    const replayed = await replayAll(journal, pid);
    expect(replayed).toEqual(written);
    expect(typeof replayed[0]?.payload).toBe('string');
    expect(replayed[1]?.payload).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(replayed[1]?.payload)).toBe(false);
    expect(replayed[2]).not.toHaveProperty('metadata.payload', undefined);
    expect('metadata' in (replayed[0] as object)).toBe(false);
  });

  it('stores ids with quotes, unicode and SQL in them', async () => {
    const ids = [`O'Brien|"1"`, 'Konto|Müller 😀', "x'); DROP TABLE journal; --", '\\back\\slash', ' '];
    expect(await journal.writeMessages(ids.map((id) => atomic(id, [1])))).toEqual(ids.map(() => undefined));
    for (const id of ids) {
      expect((await replayAll(journal, id)).map((e) => e.persistenceId)).toEqual([id]);
      expect(await journal.readHighestSequenceNr(id, 0)).toBe(1);
    }
  });

  it('rejects what PostgreSQL could not keep exactly, per write', async () => {
    const ok = freshId();
    const results = await journal.writeMessages([
      atomic('', [1]),
      atomic('bad\u0000id', [1]),
      atomic('lone\uD800surrogate', [1]),
      atomic(freshId(), [1], { payload: 'lone \uDC00 surrogate' }),
      atomic(freshId(), [1], { timestamp: 1.5 }),
      atomic(freshId(), [1], { tags: [''] }),
      atomic('x'.repeat(1025), [1]),
      { persistenceId: freshId(), events: [event('other', 1)] },
      atomic(ok, [1]),
    ]);
    expect(results.slice(0, 8).map((r) => r?.name)).toEqual([
      'InvalidPersistenceId',
      'InvalidPersistenceId',
      'InvalidPersistenceId',
      'InvalidWrite',
      'InvalidWrite',
      'InvalidWrite',
      'InvalidPersistenceId',
      'InvalidPersistenceId',
    ]);
    expect(results[0]?.message).toBe('persistenceId "" is invalid: persistenceId is empty');
    expect(results[2]?.message).toContain('lone UTF-16 surrogate');
    expect(results[6]?.message).toContain('1025 bytes in UTF-8; this store accepts at most 1024');
    expect(results[3]?.message).toContain('lone UTF-16 surrogate');
    expect(results[8]).toBeUndefined();
    expect(await journal.readHighestSequenceNr(ok, 0)).toBe(1);
    expect(await journal.readHighestSequenceNr('', 0)).toBe(0);
    // Ids no write could store read as empty rather than failing.
    for (const id of ['bad\u0000id', 'lone\uD800surrogate']) {
      expect(await journal.readHighestSequenceNr(id, 0)).toBe(0);
      expect(await replayAll(journal, id)).toEqual([]);
      await journal.deleteMessagesTo(id, Infinity);
    }
    expect(results[3]).toBeInstanceOf(InvalidWrite);
  });

  it('streams a long log in pages and stops at max', async () => {
    const paged = new PostgresJournal({ connectionString: db.url, schema: db.schema, replayPageSize: 7 });
    try {
      const pid = freshId();
      const writes = Array.from({ length: 50 }, (_, i) => atomic(pid, [i + 1]));
      for (const write of writes) await paged.writeMessages([write]);
      expect(seqs(await replayAll(paged, pid))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(seqs(await replayAll(paged, pid, 10, 40, 14))).toEqual(Array.from({ length: 14 }, (_, i) => i + 10));
      expect(seqs(await replayAll(paged, pid, 43, Infinity, 7))).toEqual([43, 44, 45, 46, 47, 48, 49]);
    } finally {
      await paged.close();
    }
  });

  it('rejects a replay with the exception onEvent throws, and keeps working', async () => {
    const pid = await fiveEvents();
    const boom = new Error('handler failed at 3');
    const seen: number[] = [];
    await expect(
      journal.replayMessages(pid, 1, Infinity, Infinity, (e) => {
        seen.push(e.sequenceNr);
        if (e.sequenceNr === 3) throw boom;
      }),
    ).rejects.toBe(boom);
    expect(seen).toEqual([1, 2, 3]);
    expect(seqs(await replayAll(journal, pid))).toEqual([1, 2, 3, 4, 5]);
  });

  it('resolves an empty call and empty writes without storing anything', async () => {
    const pid = freshId();
    expect(await journal.writeMessages([])).toEqual([]);
    expect(await journal.writeMessages([{ persistenceId: pid, events: [] }])).toEqual([undefined]);
    expect(await journal.readHighestSequenceNr(pid, 0)).toBe(0);
  });

  it('works on a pool the user owns and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => {});
    const own = new PostgresJournal({ pool }, { schema: db.newSchema('given_pool'), tablePrefix: 'app_' });
    const pid = freshId();
    expect(await own.writeMessages([atomic(pid, [1, 2])])).toEqual([undefined]);
    await own.close();
    const rows = await pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'app_journal'`);
    expect(rows.rows[0].n).toBeGreaterThanOrEqual(1);
    await pool.end();
  });

  it('fails loudly when the journal was closed', async () => {
    const closed = new PostgresJournal({ connectionString: db.url, schema: db.schema });
    await closed.close();
    await expect(closed.writeMessages([atomic(freshId(), [1])])).rejects.toMatchObject({
      name: 'PostgresStoreError',
      operation: 'writeMessages',
    });
  });

  it('fails a replay as a storage failure on a stored row it cannot read, naming what is wrong', async () => {
    const table = (name: string): string => `"${db.schema}"."engram_${name}"`;
    const corruptions: readonly (readonly [string, string])[] = [
      [`UPDATE ${table('journal')} SET type_id = -7 WHERE persistence_id = $1`, 'event type -7, which does not exist'],
      [`UPDATE ${table('journal')} SET payload_text = NULL WHERE persistence_id = $1`, 'stored payload of kind 0 has no text value'],
      [`DELETE FROM ${table('writer_run')} WHERE persistence_id = $1`, 'has no writer uuid and no writer run'],
    ];
    for (const [corrupt, message] of corruptions) {
      const pid = freshId();
      await journal.writeMessages([atomic(pid, [1, 2])]);
      await db.admin().query(corrupt, [pid]);
      const replay = replayAll(journal, pid, 2);
      await expect(replay).rejects.toMatchObject({ name: 'PostgresStoreError', operation: 'replayMessages', persistenceIds: [pid] });
      await expect(replay).rejects.toThrow(message);
    }
  });

  it('reports a second writer of the same sequence nr as a conflict, not a failure', async () => {
    const pid = await fiveEvents();
    const [result] = await journal.writeMessages([atomic(pid, [5], { writerUuid: 'writer-2', payload: '"other"' })]);
    expect(isSequenceConflict(result)).toBe(true);
    expect(result?.message).toContain(`sequence nr 5 of persistenceId "${pid}"`);
    expect((await replayAll(journal, pid, 5, 5))[0]?.payload).toBe('"a-5"');
  });
});
