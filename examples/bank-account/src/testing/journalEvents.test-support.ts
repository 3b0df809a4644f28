import { envelopeId } from '@engram/core';
import { SqliteReadJournal } from '@engram/sqlite';

/** The envelope ids (`persistenceId:sequenceNr`) of every event in the SQLite file, in global order. */
export async function storedEventIds(path: string): Promise<readonly string[]> {
  const journal = new SqliteReadJournal({ path });
  try {
    const ids: string[] = [];
    for await (const envelope of journal.currentAllEvents()) ids.push(envelopeId(envelope));
    return ids;
  } finally {
    await journal.close();
  }
}
