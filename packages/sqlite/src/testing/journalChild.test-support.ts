/**
 * A second process on a journal file, for the durability and single-writer tests.
 *
 *   write-until-killed <path>: writes batches of events for a few persistenceIds and prints
 *     `ack <pid> <seq>` for each event once writeMessages has resolved; stops after 200,000 events
 *     if nobody kills it first.
 *   write-one <path> <pid> <seq>: writes one event and prints `result <name or ok>`.
 */
import { SqliteJournal } from '@engram/sqlite';
import type { AtomicWrite } from '@engram/core/spi';

const [mode, path, pid, seqText] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: journalChild <mode> <path> [pid seq]');

function event(persistenceId: string, sequenceNr: number): AtomicWrite {
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
        tags: [],
      },
    ],
  };
}

const journal = new SqliteJournal({ path });
if (mode === 'write-until-killed') {
  const pids = Array.from({ length: 10 }, (_, i) => `Durable|${i}`);
  for (let seq = 1; seq <= 20_000; seq++) {
    const results = await journal.writeMessages(pids.map((p) => event(p, seq)));
    const failed = results.find((r) => r !== undefined);
    if (failed !== undefined) throw failed;
    process.stdout.write(pids.map((p) => `ack ${p} ${seq}\n`).join(''));
  }
} else if (mode === 'write-one' && pid !== undefined && seqText !== undefined) {
  const [result] = await journal.writeMessages([event(pid, Number(seqText))]);
  process.stdout.write(`result ${result === undefined ? 'ok' : result.name}\n`);
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
await journal.close();
