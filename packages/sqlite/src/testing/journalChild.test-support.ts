/**
 * A second process on a journal file, for the durability and single-writer tests.
 *
 *   write-until-killed <path>: writes batches of events for a few persistenceIds and prints
 *     `ack <pid> <seq>` for each event once writeMessages has resolved; stops after 200,000 events
 *     if nobody kills it first.
 *   write-one <path> <pid> <seq>: writes one event, on a journal opened with `writers: 'shared'`,
 *     and prints `result <name or ok>`.
 *   hold <path> <single|shared>: opens a journal, prints `open`, and keeps it open until SIGTERM,
 *     when it closes it, prints `closed` and exits (or until it is killed).
 *   try-open <path> <single|shared>: opens a journal and prints `result ok`, or `result <name>: <message>`.
 */
import { SqliteJournal, type SqliteWriters } from '@engram/sqlite';
import type { AtomicWrite } from '@engram/core/spi';

const [mode, path, pid, seqText] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: journalChild <mode> <path> [pid seq | writers]');

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

if (mode === 'write-until-killed') {
  const journal = new SqliteJournal({ path });
  const pids = Array.from({ length: 10 }, (_, i) => `Durable|${i}`);
  for (let seq = 1; seq <= 20_000; seq++) {
    const results = await journal.writeMessages(pids.map((p) => event(p, seq)));
    const failed = results.find((r) => r !== undefined);
    if (failed !== undefined) throw failed;
    process.stdout.write(pids.map((p) => `ack ${p} ${seq}\n`).join(''));
  }
  await journal.close();
} else if (mode === 'write-one' && pid !== undefined && seqText !== undefined) {
  const journal = new SqliteJournal({ path, writers: 'shared' });
  const [result] = await journal.writeMessages([event(pid, Number(seqText))]);
  process.stdout.write(`result ${result === undefined ? 'ok' : result.name}\n`);
  await journal.close();
} else if (mode === 'hold' && pid !== undefined) {
  const journal = new SqliteJournal({ path, writers: pid as SqliteWriters });
  await journal.writeMessages([event(`Holder|${process.pid}`, 1)]);
  const alive = setInterval(() => undefined, 60_000);
  process.on('SIGTERM', () => {
    void journal.close().then(() => {
      clearInterval(alive);
      process.stdout.write('closed\n');
    });
  });
  process.stdout.write('open\n');
} else if (mode === 'try-open' && pid !== undefined) {
  try {
    await new SqliteJournal({ path, writers: pid as SqliteWriters }).close();
    process.stdout.write('result ok\n');
  } catch (error) {
    process.stdout.write(`result ${(error as Error).name}: ${(error as Error).message}\n`);
  }
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
