import { replayBounds, type PersistentRepr } from '@engram/core/spi';
import pg, { type PoolClient, type QueryArrayConfig } from 'pg';
import { typeParsers } from '../database/index.js';
import { PostgresStoreError } from '../errors/index.js';
import type { RecoveryStatements } from './recoveryStatements.js';
import { ReplayDecoder, type ReplayRow } from './ReplayDecoder.js';
import { replayMessages, type ReplaySettings } from './replayMessages.js';
import { storable } from './validateWrite.js';

export interface RecoverySettings extends ReplaySettings {
  readonly recovery: RecoveryStatements;
}

/** A row of `RecoveryStatements.firstPage`: an event, or (first column null) the highest sequence nr. */
type FirstPageRow = ReplayRow | readonly [null, number];

/**
 * `Journal.replayForRecovery`: the highest sequence nr and the first page of events in one
 * statement, so that most recoveries cost one round trip for their events; only a page that
 * comes back full goes on, through `replayMessages`, from the last sequence nr it delivered.
 * An exception from `onEvent` rejects with that same exception.
 */
export async function replayForRecovery(
  settings: RecoverySettings,
  persistenceId: string,
  fromSequenceNr: number,
  toSequenceNr: number,
  max: number,
  onEvent: (event: PersistentRepr) => void,
): Promise<number> {
  if (!storable(persistenceId)) return 0;
  const { context, statements, recovery, types, pageSize } = settings;
  const ids = [persistenceId];
  await context.ensureReady('replayMessages', ids);
  const bounds = replayBounds(fromSequenceNr, toSequenceNr, max);
  if (bounds === undefined) {
    return context.db.withClient('readHighestSequenceNr', ids, async (client) => {
      const result = await client.query<[number]>({
        ...statements.highestSequenceNr,
        values: ids,
        rowMode: 'array',
        types: typeParsers,
      });
      return result.rows[0]?.[0] ?? 0;
    });
  }
  const { from, to, max: limit } = bounds;
  const pageLimit = Math.min(limit, pageSize);
  // The whole page arrives before any event is handed out: the connection goes back to the pool
  // first, and the caller's callback never runs while it is borrowed.
  const rows = await context.db.withClient('replayMessages', ids, async (client) => {
    await types.load(client);
    return pageOf(client, {
      ...recovery.firstPage,
      values: [persistenceId, from, to, pageLimit, types.knownIds()],
      rowMode: 'array',
      types: typeParsers,
    });
  });
  const decoder = new ReplayDecoder(persistenceId, types);
  let highest = 0;
  let delivered = 0;
  let last = 0;
  for (const row of rows) {
    if (row[0] === null) {
      highest = row[1];
      continue;
    }
    let event: PersistentRepr;
    try {
      event = decoder.decode(row);
    } catch (error) {
      throw new PostgresStoreError('replayMessages', ids, error);
    }
    onEvent(event);
    delivered++;
    last = event.sequenceNr;
  }
  // A full page may have more after it; those are read as any replay, bounded by the highest
  // this page saw, so the call stays what the two separate calls would have done.
  if (delivered === pageLimit && pageLimit < limit) {
    await replayMessages(settings, persistenceId, last + 1, Math.min(to, highest), limit - delivered, onEvent);
  }
  return highest;
}

/**
 * One statement's rows, taken from the driver's 'row' events so that the driver keeps none of its
 * own: measured on a mass recovery, reading the driver's result instead (awaiting its promise
 * always, through its callback now and then) made the heap grow several times as much, and the
 * collector work accordingly.
 */
function pageOf(client: PoolClient, config: QueryArrayConfig): Promise<readonly FirstPageRow[]> {
  return new Promise((resolve, reject) => {
    const rows: FirstPageRow[] = [];
    const query = new pg.Query(config);
    // A 'row' listener is what tells the driver not to collect the rows itself.
    query.on('row', (row: FirstPageRow) => {
      rows.push(row);
    });
    query.on('error', reject);
    query.on('end', () => resolve(rows));
    client.query(query);
  });
}
