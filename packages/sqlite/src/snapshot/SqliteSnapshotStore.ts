import type Database from 'better-sqlite3';
import {
  InvalidPersistenceId,
  type SelectedSnapshot,
  type SerializedValue,
  type SnapshotMetadata,
  type SnapshotSelectionCriteria,
  type SnapshotStore,
} from '@engram/core/spi';
import { closeDatabase, openDatabase, resolveConnectionOptions, type SqliteConnectionOptions } from '../database/index.js';
import { SqliteStoreError, type SqliteOperation } from '../errors/index.js';
import { asPayload } from '../journal/decodeEvent.js';

export type SqliteSnapshotStoreOptions = SqliteConnectionOptions;

/** Largest value SQLite's INTEGER holds exactly in a JS number; stands in for `Infinity` bounds. */
const MAX_BOUND = Number.MAX_SAFE_INTEGER;

type Bounds = [persistenceId: string, minSeq: number, maxSeq: number, minTimestamp: number, maxTimestamp: number];
type SnapshotRow = [seqNr: number, timestamp: number, serializerId: number, manifest: string, payload: unknown];

interface SnapshotStatements {
  readonly load: Database.Statement<Bounds, SnapshotRow>;
  readonly save: Database.Statement<unknown[]>;
  readonly deleteOne: Database.Statement<[string, number, number, number]>;
  readonly deleteMatching: Database.Statement<Bounds>;
}

/**
 * Snapshots in the same kind of SQLite file as the journal (usually the same file): one row per
 * (persistenceId, sequenceNr), saving the same pair again replaces it.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  readonly path: string;
  #db: Database.Database | undefined;
  readonly #sql: SnapshotStatements;

  constructor(options: SqliteSnapshotStoreOptions) {
    const resolved = resolveConnectionOptions(options, { cacheSizeMiB: 8, mmapSizeMiB: 0 });
    this.path = resolved.path;
    const db = openDatabase(resolved, { walAutocheckpoint: 1000 });
    this.#db = db;
    const where = 'persistence_id = ? AND seq_nr BETWEEN ? AND ? AND timestamp BETWEEN ? AND ?';
    try {
      this.#sql = {
        load: db
          .prepare<Bounds, SnapshotRow>(
            `SELECT seq_nr, timestamp, serializer_id, manifest, payload FROM snapshots WHERE ${where}
              ORDER BY seq_nr DESC, timestamp DESC LIMIT 1`,
          )
          .raw(true),
        save: db.prepare(
          `INSERT INTO snapshots (persistence_id, seq_nr, timestamp, serializer_id, manifest, payload)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (persistence_id, seq_nr) DO UPDATE SET timestamp = excluded.timestamp,
             serializer_id = excluded.serializer_id, manifest = excluded.manifest, payload = excluded.payload`,
        ),
        deleteOne: db.prepare(
          'DELETE FROM snapshots WHERE persistence_id = ? AND seq_nr = ? AND (? = 0 OR timestamp = ?)',
        ),
        deleteMatching: db.prepare(`DELETE FROM snapshots WHERE ${where}`),
      };
    } catch (error) {
      db.close();
      throw SqliteStoreError.wrap('open', this.path, undefined, error);
    }
  }

  async load(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<SelectedSnapshot | undefined> {
    const row = this.#run('loadSnapshot', persistenceId, () => this.#sql.load.get(...bounds(persistenceId, criteria)));
    if (row === undefined) return undefined;
    const [sequenceNr, timestamp, serializerId, manifest, payload] = row;
    return {
      metadata: { persistenceId, sequenceNr, timestamp },
      snapshot: { serializerId, manifest, payload: asPayload(payload) },
    };
  }

  async save(metadata: SnapshotMetadata, snapshot: SerializedValue): Promise<void> {
    const pid = metadata.persistenceId;
    if (typeof pid !== 'string' || pid === '') {
      throw new InvalidPersistenceId(
        String(pid),
        `it must not be empty; snapshot at sequence nr ${metadata.sequenceNr} was not stored`,
      );
    }
    if (typeof snapshot.payload !== 'string' && !(snapshot.payload instanceof Uint8Array)) {
      throw new SqliteStoreError('saveSnapshot', this.path, pid, 'the snapshot payload is neither a string nor a Uint8Array');
    }
    this.#run('saveSnapshot', pid, () =>
      this.#sql.save.run(pid, metadata.sequenceNr, metadata.timestamp, snapshot.serializerId, snapshot.manifest, snapshot.payload),
    );
  }

  async delete(metadata: SnapshotMetadata): Promise<void> {
    const { persistenceId, sequenceNr, timestamp } = metadata;
    this.#run('deleteSnapshot', persistenceId, () =>
      this.#sql.deleteOne.run(persistenceId, sequenceNr, timestamp, timestamp),
    );
  }

  async deleteMatching(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<void> {
    this.#run('deleteSnapshots', persistenceId, () => this.#sql.deleteMatching.run(...bounds(persistenceId, criteria)));
  }

  /** Closes the file after `PRAGMA optimize`. Idempotent. */
  async close(): Promise<void> {
    const db = this.#db;
    if (db === undefined) return;
    this.#db = undefined;
    closeDatabase(db, this.path);
  }

  #run<T>(operation: SqliteOperation, persistenceId: string, work: () => T): T {
    if (this.#db === undefined) {
      throw new SqliteStoreError(operation, this.path, persistenceId, 'the snapshot store is closed');
    }
    try {
      return work();
    } catch (error) {
      throw SqliteStoreError.wrap(operation, this.path, persistenceId, error);
    }
  }
}

function bounds(persistenceId: string, c: SnapshotSelectionCriteria): Bounds {
  const clamp = (n: number) => Math.max(-MAX_BOUND, Math.min(MAX_BOUND, n));
  return [persistenceId, clamp(c.minSequenceNr), clamp(c.maxSequenceNr), clamp(c.minTimestamp), clamp(c.maxTimestamp)];
}
