import { afterAll, describe, expect, it } from 'vitest';
import { tablesFor } from '../database/index.js';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { atomic, event } from '../testing/events.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { holdWrite } from './heldWrite.test-support.js';

const db = await postgresForTests('change_marker');

/**
 * Idle live queries sleep until the reader's change marker moves, all of them on one check. It
 * must move whenever the journal could return more, and only then: a marker that moved with
 * every commit in the database would wake every idle consumer on other applications' traffic.
 */
describe.skipIf(!db.available)('the change marker', () => {
  const options = { connectionString: db.url, schema: db.schema };
  const tables = tablesFor(db.schema);
  const journal = new PostgresJournal(options);
  const reader = journal.reader;
  afterAll(async () => {
    await db.admin().query('DROP TABLE IF EXISTS public.engram_marker_other');
    await journal.close();
  });

  it('stays put while other tables take commits, and moves on a journal commit', async () => {
    await journal.migrate();
    await db.admin().query('CREATE TABLE IF NOT EXISTS public.engram_marker_other (n int)');
    const before = await reader.readChangeMarker();
    for (let i = 0; i < 5; i++) await db.admin().query('INSERT INTO public.engram_marker_other VALUES ($1)', [i]);
    expect(await reader.readChangeMarker()).toBe(before);
    await journal.writeMessages([atomic('marker|a', [1])]);
    expect(await reader.readChangeMarker()).not.toBe(before);
  });

  it('moves when a journal transaction holding readers back ends, by commit or by rollback', async () => {
    for (const end of ['commit', 'rollback'] as const) {
      const held = await holdWrite(db.admin(), tables, [event(`marker|${end}`, 1)]);
      const whileHeld = await reader.readChangeMarker();
      await db.admin().query('INSERT INTO public.engram_marker_other VALUES (0)');
      expect(await reader.readChangeMarker()).toBe(whileHeld);
      await held[end]();
      expect(await reader.readChangeMarker()).not.toBe(whileHeld);
    }
  });
});
