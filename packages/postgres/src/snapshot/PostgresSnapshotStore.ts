import {
  InvalidPersistenceId,
  PayloadTooLarge,
  type SelectedSnapshot,
  type SerializedValue,
  type SnapshotMetadata,
  type SnapshotSelectionCriteria,
  type SnapshotStore,
} from '@engram/core/spi';
import { decodePayload, encodePayload, isWellFormedText, keyProblem, payloadBytes, textProblem } from '../codec/index.js';
import {
  StoreContext,
  typeParsers,
  type PostgresConnection,
  type PostgresStoreOptions,
} from '../database/index.js';
import { InvalidWrite } from '../errors/index.js';
import { snapshotStatements, type SnapshotStatements } from './snapshotStatements.js';

export interface PostgresSnapshotStoreOptions extends PostgresStoreOptions {
  /** Largest serialized snapshot in bytes; a larger save fails with `PayloadTooLarge`. Default 64 MiB. */
  readonly maxPayloadBytes?: number;
}

/**
 * 64 MiB: snapshots hold whole states and may be large, but every recovery reads one in a single
 * value, and the driver holds it (and its hex form, for bytes) in memory at once.
 */
export const defaultMaxSnapshotBytes = 64 * 1024 * 1024;

type SnapshotRow = [
  sequenceNr: number,
  timestamp: number,
  serializerId: number,
  manifest: string,
  kind: number,
  text: string | null,
  bytes: Uint8Array | null,
];

/** Engram's snapshot store on PostgreSQL; shares the journal's schema, prefix and migrations. */
export class PostgresSnapshotStore implements SnapshotStore {
  private readonly context: StoreContext;
  private readonly statements: SnapshotStatements;
  private readonly maxPayloadBytes: number;

  constructor(
    connection: PostgresConnection & PostgresSnapshotStoreOptions,
    options: PostgresSnapshotStoreOptions = {},
  ) {
    const settings = { ...connection, ...options };
    const max = settings.maxPayloadBytes ?? defaultMaxSnapshotBytes;
    if (!Number.isSafeInteger(max) || max < 1 || max >= 1024 * 1024 * 1024) {
      throw new RangeError(`maxPayloadBytes must be a positive integer below 1 GB, got ${max}`);
    }
    this.maxPayloadBytes = max;
    this.context = new StoreContext(connection, settings);
    this.statements = snapshotStatements(this.context.tables);
  }

  /** Creates or upgrades the tables now instead of on first use. Safe to run from many processes. */
  migrate(): Promise<void> {
    return this.context.migrate();
  }

  async load(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<SelectedSnapshot | undefined> {
    await this.context.ensureReady('loadSnapshot', [persistenceId]);
    return this.context.db.withClient('loadSnapshot', [persistenceId], async (client) => {
      const result = await client.query<SnapshotRow>({
        ...this.statements.load,
        values: [persistenceId, ...bounds(criteria)],
        rowMode: 'array',
        types: typeParsers,
      });
      const row = result.rows[0];
      if (row === undefined) return undefined;
      return {
        metadata: { persistenceId, sequenceNr: row[0], timestamp: row[1] },
        snapshot: { serializerId: row[2], manifest: row[3], payload: decodePayload(row[4], row[5], row[6]) },
      };
    });
  }

  async save(metadata: SnapshotMetadata, snapshot: SerializedValue): Promise<void> {
    const { persistenceId, sequenceNr } = metadata;
    const idProblem = keyProblem('persistenceId', persistenceId);
    if (idProblem !== undefined) throw new InvalidPersistenceId(String(persistenceId), idProblem);
    const problem = snapshotProblem(metadata, snapshot);
    if (problem !== undefined) throw new InvalidWrite(String(persistenceId), sequenceNr, problem);
    const size = payloadBytes(snapshot.payload, this.maxPayloadBytes);
    if (size > this.maxPayloadBytes) throw new PayloadTooLarge(persistenceId, sequenceNr, size, this.maxPayloadBytes);
    const payload = encodePayload(snapshot.payload);
    await this.context.ensureReady('saveSnapshot', [persistenceId]);
    await this.context.db.withClient('saveSnapshot', [persistenceId], async (client) => {
      await client.query({
        ...this.statements.save,
        values: [
          persistenceId,
          sequenceNr,
          metadata.timestamp,
          snapshot.serializerId,
          snapshot.manifest,
          payload.kind,
          payload.text,
          payload.bytes,
        ],
      });
    });
  }

  async delete(metadata: SnapshotMetadata): Promise<void> {
    await this.context.ensureReady('deleteSnapshot', [metadata.persistenceId]);
    await this.context.db.withClient('deleteSnapshot', [metadata.persistenceId], async (client) => {
      await client.query(this.statements.deleteOne, [metadata.persistenceId, metadata.sequenceNr, metadata.timestamp]);
    });
  }

  async deleteMatching(persistenceId: string, criteria: SnapshotSelectionCriteria): Promise<void> {
    await this.context.ensureReady('deleteSnapshots', [persistenceId]);
    await this.context.db.withClient('deleteSnapshots', [persistenceId], async (client) => {
      await client.query(this.statements.deleteMatching, [persistenceId, ...bounds(criteria)]);
    });
  }

  /** Ends the pool when this store created it. */
  close(): Promise<void> {
    return this.context.close();
  }
}

/** Why PostgreSQL could not keep this snapshot exactly, or undefined (the id is checked before). */
function snapshotProblem(metadata: SnapshotMetadata, snapshot: SerializedValue): string | undefined {
  if (!Number.isSafeInteger(metadata.sequenceNr) || metadata.sequenceNr < 0) {
    return 'the sequence nr must be a non-negative safe integer';
  }
  if (!Number.isSafeInteger(metadata.timestamp)) return 'the timestamp must be an integer (ms since the epoch)';
  if (!Number.isInteger(snapshot.serializerId) || Math.abs(snapshot.serializerId) > 2 ** 31 - 1) {
    return 'the serializer id must be a 32-bit integer';
  }
  const manifest = typeof snapshot.manifest === 'string' ? textProblem(snapshot.manifest) : 'it is not a string';
  if (manifest !== undefined) return `the manifest cannot be stored: ${manifest}`;
  if (typeof snapshot.payload === 'string') {
    if (!isWellFormedText(snapshot.payload)) return 'the payload contains a lone UTF-16 surrogate, which has no UTF-8 form';
  } else if (!(snapshot.payload instanceof Uint8Array)) {
    return 'the payload must be a string or a Uint8Array';
  }
  return undefined;
}

/** The criteria as four bigint parameters: min seq, max seq, min timestamp, max timestamp. */
function bounds(criteria: SnapshotSelectionCriteria): readonly [number, number, number, number] {
  return [
    clamp(criteria.minSequenceNr),
    clamp(criteria.maxSequenceNr),
    clamp(criteria.minTimestamp),
    clamp(criteria.maxTimestamp),
  ];
}

/** bigint parameters must be integers; `Infinity` means "no bound". */
function clamp(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, Math.floor(value)));
}
