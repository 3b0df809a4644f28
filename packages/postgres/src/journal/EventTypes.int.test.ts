import { afterAll, describe, expect, it } from 'vitest';
import { atomic, event, replayAll } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { PostgresJournal } from './PostgresJournal.js';

const db = await postgresForTests('event_types');

/** (serializer id, manifest, payload kind) are stored once per type and referenced by id. */
describe.skipIf(!db.available)('PostgresJournal event types', () => {
  const options = { connectionString: db.url, schema: db.schema };
  const journal = new PostgresJournal(options);
  const other = new PostgresJournal(options);
  afterAll(async () => {
    await journal.close();
    await other.close();
  });

  async function typeRows(): Promise<string[]> {
    const result = await db
      .admin()
      .query(`SELECT serializer_id || '/' || payload_kind || '/' || manifest AS t FROM "${db.schema}".engram_event_type ORDER BY id`);
    return result.rows.map((r) => r.t as string);
  }

  it('stores each type once, however many events, calls and processes use it', async () => {
    const manifestOf = (i: number): string => (i % 2 === 0 ? 'Opened' : 'Closed');
    for (const [writer, seqs] of [[journal, [1, 2]], [other, [3, 4]]] as const) {
      const writes = Array.from({ length: 30 }, (_, i) => atomic(`Typed|${i}`, seqs, { manifest: manifestOf(i), serializerId: 4 }));
      expect(await writer.writeMessages(writes)).toEqual(writes.map(() => undefined));
    }
    expect((await typeRows()).filter((t) => t.startsWith('4/')).sort()).toEqual(['4/0/Closed', '4/0/Opened']);
    const replayed = await replayAll(other, 'Typed|3');
    expect(replayed.map((e) => [e.sequenceNr, e.serializerId, e.manifest])).toEqual([1, 2, 3, 4].map((s) => [s, 4, 'Closed']));
  });

  it('uses up no type id for a type another process added, only for new ones', async () => {
    const lastId = async (): Promise<number> => {
      const result = await db.admin().query(`SELECT last_value::int AS v FROM "${db.schema}".engram_event_type_id_seq`);
      return result.rows[0].v as number;
    };
    const late = new PostgresJournal(options);
    try {
      // `late` reads the types now; `journal` adds one afterwards, which `late` then meets.
      expect(await late.writeMessages([atomic('Again|1', [1])])).toEqual([undefined]);
      expect(await journal.writeMessages([atomic('Again|2', [1], { manifest: 'Again' })])).toEqual([undefined]);
      const before = await lastId();
      expect(await late.writeMessages([atomic('Again|3', [1], { manifest: 'Again' })])).toEqual([undefined]);
      expect(await lastId()).toBe(before);
      expect(await late.writeMessages([atomic('Again|4', [1], { manifest: 'New' })])).toEqual([undefined]);
      expect(await lastId()).toBe(before + 1);
      expect((await replayAll(late, 'Again|3'))[0]?.manifest).toBe('Again');
    } finally {
      await late.close();
    }
  });

  it('keeps text, bytes and text with U+0000 of one manifest apart', async () => {
    const pid = 'Kinds|1';
    const payloads = ['{"a":1}', new Uint8Array([1, 0, 2]), 'nul \u0000 here'];
    const writes = payloads.map((payload, i) => ({ persistenceId: pid, events: [event(pid, i + 1, { payload, manifest: 'Same' })] }));
    expect(await journal.writeMessages(writes)).toEqual([undefined, undefined, undefined]);
    expect((await typeRows()).filter((t) => t.endsWith('/Same'))).toEqual(['1/0/Same', '1/1/Same', '1/2/Same']);
    expect((await replayAll(other, pid)).map((e) => e.payload)).toEqual(payloads);
  });

  it('replays a type another process added after this journal read the types', async () => {
    const pid = 'Late|1';
    await replayAll(journal, pid);
    expect(await other.writeMessages([atomic(pid, [1, 2], { manifest: 'AddedLater@v7', serializerId: 77 })])).toEqual([undefined]);
    for (let round = 0; round < 2; round++) {
      // The first replay is told the new type with each row; the second knows it.
      expect((await replayAll(journal, pid)).map((e) => `${e.serializerId}:${e.manifest}`)).toEqual(['77:AddedLater@v7', '77:AddedLater@v7']);
    }
    expect(await journal.writeMessages([atomic(pid, [3], { manifest: 'AddedLater@v7', serializerId: 77 })])).toEqual([undefined]);
    expect((await typeRows()).filter((t) => t.includes('AddedLater'))).toHaveLength(1);
  });

  it('rejects a manifest over 1,024 UTF-8 bytes, per write', async () => {
    const longest = 'é'.repeat(512);
    const results = await journal.writeMessages([
      atomic('Manifest|1', [1], { manifest: `${longest}x` }),
      atomic('Manifest|2', [1], { manifest: longest }),
    ]);
    expect(results[0]).toMatchObject({ name: 'InvalidWrite', persistenceId: 'Manifest|1', sequenceNr: 1 });
    expect(results[0]?.message).toContain('the manifest is 1025 bytes in UTF-8; this store accepts at most 1024');
    expect(results[1]).toBeUndefined();
    expect((await replayAll(other, 'Manifest|2'))[0]?.manifest).toBe(longest);
  });
});
