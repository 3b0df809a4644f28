import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../journal/index.js';
import { atomic, tempDatabase } from '../testing/fixtures.test-support.js';
import { tortureWriter } from '../testing/tortureWriter.test-support.js';
import { SqliteJournalReader } from './SqliteJournalReader.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  const journal = new SqliteJournal({ path: db.path, writers: 'shared' });
  cleanups.push(() => journal.close());
  const torture = await tortureWriter(journal);
  cleanups.push(() => torture.close());
  const reader = SqliteJournalReader.open({ path: db.path });
  cleanups.push(() => reader.close());
  const stored = async () => (await reader.readEvents({ after: 0, limit: 1000 })).events.map((e) => `${e.repr.persistenceId}:${e.repr.sequenceNr}`);
  return { journal, torture, reader, stored };
}

describe('the SQLite torture writer (TCK support)', () => {
  it('commits through the journal code, readable like any write, with tags', async () => {
    const { torture, reader, stored } = await setup();
    await torture.write([atomic('T', 1, 2, { tags: ['g'] })], { holdMs: 0, rollback: false });
    expect(await stored()).toEqual(['T:1', 'T:2']);
    expect((await reader.readEvents({ after: 0, tag: 'g', limit: 10 })).events).toHaveLength(2);
  });

  it('a rolled-back write leaves nothing: no events, no id, no tag; its sequence nrs stay free', async () => {
    const { journal, torture, reader, stored } = await setup();
    await torture.write([atomic('Gone', 1, 3, { tags: ['never'] })], { holdMs: 0, rollback: true });
    expect(await stored()).toEqual([]);
    expect(await reader.readPersistenceIds(undefined, 10)).toEqual([]);
    expect(await reader.readCeiling()).toBe(0);
    expect(await journal.writeMessages([atomic('Gone', 1)])).toEqual([undefined]);
    expect(await stored()).toEqual(['Gone:1']);
  });

  it('several writes may be in flight, beside the journal; the committed ones get orderings without a gap', async () => {
    const { journal, torture, reader, stored } = await setup();
    const slow = torture.write([atomic('Slow', 1)], { holdMs: 100, rollback: false });
    const dropped = torture.write([atomic('Dropped', 1)], { holdMs: 20, rollback: true });
    await torture.write([atomic('Fast', 1)], { holdMs: 0, rollback: false });
    await journal.writeMessages([atomic('Journal', 1)]);
    await Promise.all([slow, dropped]);
    await torture.close();
    const events = await stored();
    expect([...events].sort()).toEqual(['Fast:1', 'Journal:1', 'Slow:1']);
    expect(events.indexOf('Fast:1')).toBeLessThan(events.indexOf('Journal:1'));
    const positions = (await reader.readEvents({ after: 0, limit: 10 })).events.map((e) => e.position);
    expect(positions).toEqual([1, 2, 3]);
  });

  it('rejects with the refusal when a write is refused', async () => {
    const { journal, torture } = await setup();
    await journal.writeMessages([atomic('Owned', 1)]);
    await expect(torture.write([atomic('Owned', 1)], { holdMs: 0, rollback: false })).rejects.toMatchObject({ name: 'SequenceConflict' });
    await expect(torture.write([atomic('Owned', 1)], { holdMs: 0, rollback: true })).rejects.toMatchObject({ name: 'SequenceConflict' });
    await torture.close();
    await expect(torture.write([atomic('Late', 1)], { holdMs: 0, rollback: false })).rejects.toThrow(/torture writer is closed/);
  });
});
