import { replayBounds, type PersistentRepr } from '@engram/core/spi';
import Cursor from 'pg-cursor';
import { typeParsers, type StoreContext } from '../database/index.js';
import type { EventTypes } from './EventTypes.js';
import type { JournalStatements } from './journalStatements.js';
import { ReplayDecoder, type ReplayRow } from './ReplayDecoder.js';
import { storable } from './validateWrite.js';

export interface ReplaySettings {
  readonly context: StoreContext;
  readonly statements: JournalStatements;
  readonly types: EventTypes;
  /** Rows fetched per round trip; memory stays bounded by one page. */
  readonly pageSize: number;
}

/**
 * Streams the events through a server-side cursor, one page at a time, so a million-event log
 * never sits in memory. An exception from `onEvent` ends the replay and rejects with that same
 * exception (it is the caller's, not a storage failure).
 */
export async function replayMessages(
  settings: ReplaySettings,
  persistenceId: string,
  fromSequenceNr: number,
  toSequenceNr: number,
  max: number,
  onEvent: (event: PersistentRepr) => void,
): Promise<void> {
  const bounds = replayBounds(fromSequenceNr, toSequenceNr, max);
  if (bounds === undefined || !storable(persistenceId)) return;
  const { from, to, max: limit } = bounds;

  const { context, statements, types, pageSize } = settings;
  await context.ensureReady('replayMessages', [persistenceId]);
  let callerError: { readonly error: unknown } | undefined;
  await context.db.withClient('replayMessages', [persistenceId], async (client) => {
    await types.load(client);
    const decoder = new ReplayDecoder(persistenceId, types);
    const cursor = client.query(
      new Cursor<ReplayRow>(statements.replay, [persistenceId, from, to, limit, types.knownIds()], {
        rowMode: 'array',
        types: typeParsers,
      }),
    );
    // The next page is requested before this one is handed out, so the server reads it while
    // the caller works through the current one.
    let next = cursor.read(pageSize);
    for (;;) {
      // A failed read leaves the cursor unclosable (closing waits for a server that may be gone);
      // the error propagates and the connection is discarded.
      const rows = await next;
      const more = rows.length === pageSize;
      if (more) next = cursor.read(pageSize);
      for (const row of rows) {
        const event = decoder.decode(row);
        try {
          onEvent(event);
        } catch (error) {
          callerError = { error };
          break;
        }
      }
      if (callerError !== undefined) {
        // Let the page in flight arrive before closing; its rows are not handed out.
        if (more) await next;
        break;
      }
      if (!more) break;
    }
    await cursor.close();
  });
  if (callerError !== undefined) throw callerError.error;
}
