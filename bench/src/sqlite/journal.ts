import { join } from 'node:path';
import type { AtomicWrite } from '@engram/core/spi';
import { SqliteJournal } from '@engram/sqlite';
import { allPids, compareReplayMany, compareReplayOne, compareWrites, type Contender, fillOne, rawContender } from './drive.js';
import { openNaive, type RawStore } from './naive.js';
import { openSameLayout } from './sameLayout.js';
import { type BenchEvent, intArg, tempDir } from './workload.js';

/**
 * SqliteJournal through its SPI next to two raw-SQLite baselines: the naive layout (one row per
 * INSERT) and SqliteJournal's own layout written by bare better-sqlite3 with multi-row INSERTs
 * (RAW_ROWS rows per statement at most, default 100); same workloads, same run, interleaved slice
 * by slice.
 *
 *   npm run build && node bench/dist/sqlite/journal.js
 *
 * IDS x ROUNDS group commits (one event per id per call); ONE events of a single id replayed;
 * BIG_IDS x BIG_ROUNDS for the many-actors recovery (all ids replayed one after another).
 */
const ids = intArg('IDS', 1000);
const rounds = intArg('ROUNDS', 1000);
const one = intArg('ONE', 1_000_000);
const bigIds = intArg('BIG_IDS', 10_000);
const bigRounds = intArg('BIG_ROUNDS', 170);
const pageSize = intArg('PAGE', 1000);
const rawRows = intArg('RAW_ROWS', 100);

function asWrite(e: BenchEvent): AtomicWrite {
  return { persistenceId: e.persistenceId, events: [{ ...e, serializerId: 1 }] };
}

/** SqliteJournal as a contender. Its writeMessages does the work before returning the promise. */
function journalContender(path: string, closers: (() => Promise<void>)[]): Contender {
  const journal = new SqliteJournal({ path });
  closers.push(() => journal.close());
  const failures: unknown[] = [];
  return {
    label: 'SqliteJournal (writeMessages / replayMessages, default options)',
    path,
    writer: {
      write: (events) => {
        const writes = events.map(asWrite);
        journal.writeMessages(writes).then(
          (results) => failures.push(...results.filter((r) => r !== undefined)),
          (error: unknown) => failures.push(error),
        );
        if (failures.length > 0) throw failures[0];
      },
    },
    replay: async (pid, from, to) => {
      let count = 0;
      await journal.replayMessages(pid, from, to, Infinity, (repr) => {
        JSON.parse(repr.payload as string);
        count++;
      });
      return count;
    },
  };
}

const tmp = tempDir('journal');
const raws: RawStore[] = [];
const closers: (() => Promise<void>)[] = [];
const trio = async (name: string): Promise<Contender[]> => {
  const naivePath = join(tmp.dir, `naive-${name}.db`);
  const naive = openNaive(naivePath);
  raws.push(naive);
  const samePath = join(tmp.dir, `same-${name}.db`);
  const same = await openSameLayout(samePath, { maxRowsPerStatement: rawRows });
  raws.push(same);
  return [
    rawContender('naive: (pid text, seq)-keyed rowid table, default settings', naivePath, naive, pageSize),
    rawContender(`same layout: ${same.name}`, samePath, same, pageSize),
    journalContender(join(tmp.dir, `journal-${name}.db`), closers),
  ];
};

console.log(`SqliteJournal vs naive and same-layout raw: ${ids} ids x ${rounds} rounds; one id with ${one} events; ` +
  `${bigIds} ids x ${bigRounds} rounds; replay pages of ${pageSize}`);
try {
  const groups = await trio('groups');
  await compareWrites(groups, ids, rounds);
  await compareReplayMany(groups, allPids(ids));

  const single = await trio('one');
  for (const c of single) fillOne(c.writer, 'Account|one', one);
  await compareReplayOne(single, 'Account|one', one);

  const big = await trio('big');
  await compareWrites(big, bigIds, bigRounds);
  await compareReplayMany(big, allPids(bigIds), 500);
} finally {
  for (const close of closers) await close();
  for (const raw of raws) raw.db.close();
  tmp.remove();
}
