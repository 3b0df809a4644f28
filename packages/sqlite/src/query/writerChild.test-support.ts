/**
 * A second process writing to a journal file while a test process reads it live.
 *
 *   <path> <ids> <rounds>: writes `rounds` calls of one event for each of `ids` persistenceIds
 *     (`Child|0`, `Child|1`, ...; every second one tagged `odd`), letting the event loop run between
 *     calls, then prints `done <events written>`.
 */
import type { AtomicWrite } from '@engram/core/spi';
import { SqliteJournal } from '@engram/sqlite';

const [path, idsText, roundsText] = process.argv.slice(2);
if (path === undefined || idsText === undefined || roundsText === undefined) throw new Error('usage: writerChild <path> <ids> <rounds>');

function event(persistenceId: string, sequenceNr: number, tags: readonly string[]): AtomicWrite {
  return {
    persistenceId,
    events: [
      {
        persistenceId,
        sequenceNr,
        serializerId: 1,
        manifest: 'Noted',
        payload: JSON.stringify({ persistenceId, sequenceNr }),
        writerUuid: `child-${process.pid}`,
        timestamp: Date.now(),
        tags,
      },
    ],
  };
}

const journal = new SqliteJournal({ path });
const pids = Array.from({ length: Number(idsText) }, (_, i) => `Child|${i}`);
let written = 0;
for (let seq = 1; seq <= Number(roundsText); seq++) {
  const results = await journal.writeMessages(pids.map((pid, i) => event(pid, seq, i % 2 === 1 ? ['odd'] : [])));
  const failed = results.find((r) => r !== undefined);
  if (failed !== undefined) throw failed;
  written += pids.length;
  await new Promise((resolve) => setTimeout(resolve, 1));
}
await journal.close();
process.stdout.write(`done ${written}\n`);
