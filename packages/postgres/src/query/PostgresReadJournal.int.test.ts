import { InvalidOffset, Offset, type EventEnvelope } from '@engram/core';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { atomic } from '../testing/events.test-support.js';
import { taggedPool } from '../testing/faults.test-support.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { LiveQuery, key } from './LiveQuery.test-support.js';
import { PostgresReadJournal } from './PostgresReadJournal.js';
import { waitFor } from './waitFor.test-support.js';

const db = await postgresForTests('read_journal');

async function all<T>(query: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of query) items.push(item);
  return items;
}
const keys = (envelopes: readonly EventEnvelope<unknown>[]): string[] => envelopes.map(key);

describe.skipIf(!db.available)('PostgresReadJournal', () => {
  const options = { connectionString: db.url, schema: db.schema };
  const journal = new PostgresJournal(options);
  // Another process's journal, as far as the read journals are concerned.
  const writer = new PostgresJournal(options);
  const readJournal = new PostgresReadJournal({ ...options, pageSize: 2 });
  afterAll(async () => {
    await readJournal.close();
    await writer.close();
    await journal.close();
  });
  let counter = 0;
  const fresh = (label: string): string => `${label}|${++counter}`;

  it('reads what a journal wrote: by tag in global order, by id, and the ids in byte order', async () => {
    const [a, b, c] = [fresh('Q-a'), fresh('Q-b'), fresh('Q-c')];
    const tag = fresh('blue');
    await journal.writeMessages([atomic(a, [1, 2], { tags: [tag] }), atomic(b, [1])]);
    await journal.writeMessages([atomic(c, [1], { tags: [tag, 'other'] }), atomic(a, [3])]);
    await journal.writeMessages([atomic(b, [2], { tags: [tag] })]);
    const tagged = await all(readJournal.currentEventsByTag(tag));
    expect(keys(tagged)).toEqual([`${a}:1`, `${a}:2`, `${c}:1`, `${b}:2`]);
    expect(tagged[2]).toMatchObject({ persistenceId: c, sequenceNr: 1, tags: [tag, 'other'], event: { persistenceId: c, sequenceNr: 1 } });
    // Resuming is exclusive, also from the offset's text.
    const resumed = await all(readJournal.currentEventsByTag(tag, readJournal.parseOffset(String(tagged[1]!.offset))));
    expect(keys(resumed)).toEqual([`${c}:1`, `${b}:2`]);
    expect(String(tagged[0]!.offset)).toMatch(/^postgres:\d+\.\d+$/);

    expect(keys(await all(readJournal.currentEventsByPersistenceId(a, 2)))).toEqual([`${a}:2`, `${a}:3`]);
    expect(keys(await all(readJournal.currentEventsByPersistenceId(a, 1, 2)))).toEqual([`${a}:1`, `${a}:2`]);
    await journal.deleteMessagesTo(a, 2);
    expect(keys(await all(readJournal.currentEventsByPersistenceId(a)))).toEqual([`${a}:3`]);
    expect(keys(await all(readJournal.currentEventsByTag(tag)))).toEqual([`${c}:1`, `${b}:2`]);
    // Positions of one id ascend with its sequence nrs, in the global order too.
    const everything = keys(await all(readJournal.currentAllEvents()));
    expect(everything.filter((k) => k.startsWith(`${b}:`))).toEqual([`${b}:1`, `${b}:2`]);
  });

  it('lists the persistenceIds in byte order, whatever the collation', async () => {
    const prefix = fresh('ids');
    const ids = ['Zed', 'alpha', 'Éclair', 'eclair', '\u{1F600}', '\uFFFD', 'a b'].map((s) => `${prefix}/${s}`);
    await journal.writeMessages(ids.map((id) => atomic(id, [1])));
    const listed = (await all(readJournal.currentPersistenceIds())).filter((id) => id.startsWith(`${prefix}/`));
    const byteOrder = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(listed).toEqual(byteOrder);
  });

  it('refuses an offset of another store, or one that is not a position', () => {
    expect(() => readJournal.parseOffset('sqlite:12')).toThrow(InvalidOffset);
    expect(() => readJournal.parseOffset('postgres:12')).toThrow(/not a position of a postgres journal: expected "<transaction id>\.<ordering>"/);
    expect(readJournal.parseOffset('postgres:12.3').equals(Offset.parse('postgres:12.3'))).toBe(true);
  });

  describe('woken by NOTIFY', () => {
    const { pool, applicationName } = taggedPool(db.url, 'listen');
    const warnings: string[] = [];
    // No poll before the waits' deadlines: only a notification can wake the live queries.
    const listening = new PostgresReadJournal({
      pool,
      schema: db.schema,
      pollIntervalMs: 3_600_000,
      onListenError: (message) => warnings.push(message),
    });
    afterAll(async () => {
      await listening.close();
      await pool.end();
    });
    /** The pids of the LISTEN connections of `listening`. */
    const listeners = async (): Promise<number[]> => {
      const { rows } = await db.admin().query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN %' AND state = 'idle'`,
        [applicationName],
      );
      return rows.map((row) => row.pid);
    };

    it('a live query gets an event another journal wrote promptly, long before any poll', async () => {
      const [before, first, second] = [fresh('N-before'), fresh('N-first'), fresh('N-second')];
      await writer.writeMessages([atomic(before, [1])]);
      const live = LiveQuery.allEvents(listening);
      const byTag = new LiveQuery((signal) => listening.eventsByTag('notified', Offset.start, { signal }));
      await live.delivered([`${before}:1`]);
      await waitFor('the LISTEN connection', 10_000, async () => ((await listeners()).length === 1 ? true : undefined));
      await writer.writeMessages([atomic(first, [1], { tags: ['notified'] })]);
      await live.delivered([`${first}:1`]);
      await byTag.delivered([`${first}:1`]);
      await writer.writeMessages([atomic(second, [1, 2])]);
      await live.delivered([`${second}:2`]);
      // One LISTEN connection for the read journal, however many queries wait.
      expect(await listeners()).toHaveLength(1);
      await live.stop();
      await byTag.stop();
    });

    it('listens again after its LISTEN connection is killed', async () => {
      const live = LiveQuery.allEvents(listening);
      const [first] = await waitFor('the LISTEN connection', 10_000, async () => {
        const pids = await listeners();
        return pids.length === 1 ? pids : undefined;
      });
      await db.admin().query('SELECT pg_terminate_backend($1)', [first]);
      const [second] = await waitFor('a new LISTEN connection', 10_000, async () => {
        const pids = await listeners();
        return pids.length === 1 && pids[0] !== first ? pids : undefined;
      });
      expect(second).not.toBe(first);
      expect(warnings).toEqual([expect.stringMatching(/the LISTEN connection failed; reconnecting in 100 ms/)]);
      const pid = fresh('N-after-kill');
      await writer.writeMessages([atomic(pid, [1])]);
      await live.delivered([`${pid}:1`]);
      await live.stop();
    });
  });
});
