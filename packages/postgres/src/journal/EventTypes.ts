import type { PoolClient } from 'pg';
import type { PayloadKind } from '../codec/index.js';
import { typeParsers, type Tables } from '../database/index.js';
import { named, type NamedStatement } from './journalStatements.js';

/** What a reader needs to turn an event's payload columns back into its payload and manifest. */
export interface EventType {
  readonly id: number;
  readonly serializerId: number;
  readonly manifest: string;
  readonly kind: PayloadKind;
}

/**
 * Most applications have a few dozen event types; a generous bound keeps the list of known ids
 * that every replay sends small even for one that mints manifests at runtime. Types beyond it are
 * not cached: a replay gets them described on each row, a write looks them up.
 */
const maxEntries = 1_000;
/** A concurrent writer can insert a type between our two reads; it is visible on the next try. */
const maxResolveAttempts = 5;

type TypeRow = [id: number, serializerId: number, manifest: string, kind: number];

/** A type as a write has it, before it has an id. */
export interface TypeKey {
  readonly serializerId: number;
  readonly kind: number;
  readonly manifest: string;
}

/**
 * The journal's `event_type` rows, (serializer id, manifest, payload kind) <-> small id, as far as
 * this journal has met them. Rows are never changed or deleted once committed, so a cached id
 * stays right for every connection. Ids are only learned from committed rows: the resolve
 * statement runs on its own (autocommit), never inside a write transaction that could roll back.
 */
export class EventTypes {
  readonly #statements: { readonly load: NamedStatement; readonly resolve: NamedStatement };
  readonly #byKey = new Map<string, EventType>();
  readonly #byId = new Map<number, EventType>();
  #ids: readonly number[] | undefined;
  #loaded = false;

  constructor(tables: Tables) {
    this.#statements = {
      load: named(`SELECT id, serializer_id, manifest, payload_kind FROM ${tables.eventTypes} ORDER BY id LIMIT ${maxEntries}`),
      resolve: named(`WITH wanted AS (
          SELECT * FROM unnest($1::integer[], $2::text[], $3::smallint[]) AS w(serializer_id, manifest, payload_kind)
        ), added AS (
          INSERT INTO ${tables.eventTypes} (serializer_id, manifest, payload_kind)
          SELECT serializer_id, manifest, payload_kind FROM wanted w
          -- Only the new ones: an insert that meets an existing row still uses up an id.
          WHERE NOT EXISTS (
            SELECT 1 FROM ${tables.eventTypes} t
            WHERE t.serializer_id = w.serializer_id AND t.payload_kind = w.payload_kind AND t.manifest = w.manifest
          )
          ORDER BY serializer_id, payload_kind, manifest COLLATE "C"
          ON CONFLICT DO NOTHING
          RETURNING id, serializer_id, manifest, payload_kind
        )
        SELECT id, serializer_id, manifest, payload_kind FROM added
        UNION ALL
        SELECT t.id, t.serializer_id, t.manifest, t.payload_kind
        FROM ${tables.eventTypes} t JOIN wanted w USING (serializer_id, manifest, payload_kind)`),
    };
  }

  /** Reads the known types once per journal, so that replays need not send them along. */
  async load(client: PoolClient): Promise<void> {
    if (this.#loaded) return;
    const result = await client.query<TypeRow>({ ...this.#statements.load, rowMode: 'array', types: typeParsers });
    for (const row of result.rows) this.learn(row[0], row[1], row[2], row[3]);
    this.#loaded = true;
  }

  get(id: number): EventType | undefined {
    return this.#byId.get(id);
  }

  /** Ids whose type this journal knows: a replay asks the server to describe only the others. */
  knownIds(): readonly number[] {
    this.#ids ??= [...this.#byId.keys()];
    return this.#ids;
  }

  /**
   * Remembers a type read from a committed row. Nothing is ever evicted: an id a replay sent as
   * known must still be here when its rows arrive.
   */
  learn(id: number, serializerId: number, manifest: string, kind: number): EventType {
    const type: EventType = { id, serializerId, manifest, kind: kind as PayloadKind };
    if (this.#byId.size < maxEntries && !this.#byId.has(id)) {
      this.#byKey.set(keyOf(serializerId, kind, manifest), type);
      this.#byId.set(id, type);
      this.#ids = undefined;
    }
    return type;
  }

  /** The id of a type this journal knows, or undefined. */
  idOf(serializerId: number, kind: number, manifest: string): number | undefined {
    return this.#byKey.get(keyOf(serializerId, kind, manifest))?.id;
  }

  /**
   * The ids of `wanted`, inserting the types that are new. Runs on `client` outside any
   * transaction, before the events are written.
   */
  async resolve(client: PoolClient, wanted: readonly TypeKey[]): Promise<number[]> {
    const ids = new Array<number>(wanted.length);
    const missing = new Map<string, number[]>();
    wanted.forEach((type, i) => {
      const key = keyOf(type.serializerId, type.kind, type.manifest);
      const positions = missing.get(key);
      if (positions === undefined) missing.set(key, [i]);
      else positions.push(i);
    });
    for (let attempt = 0; missing.size > 0; attempt++) {
      if (attempt === maxResolveAttempts) {
        throw new Error(`event types of ${missing.size} manifests could not be stored or read back`);
      }
      const asked = [...missing.values()].map((positions) => wanted[positions[0] as number] as TypeKey);
      const result = await client.query<TypeRow>({
        ...this.#statements.resolve,
        values: [asked.map((t) => t.serializerId), asked.map((t) => t.manifest), asked.map((t) => t.kind)],
        rowMode: 'array',
        types: typeParsers,
      });
      for (const [id, serializerId, manifest, kind] of result.rows) {
        const key = keyOf(serializerId, kind, manifest);
        this.learn(id, serializerId, manifest, kind);
        for (const i of missing.get(key) ?? []) ids[i] = id;
        missing.delete(key);
      }
    }
    return ids;
  }
}

// U+0000 cannot occur in a manifest (PostgreSQL text cannot hold it), so it separates safely.
function keyOf(serializerId: number, kind: number, manifest: string): string {
  return `${serializerId}\u0000${kind}\u0000${manifest}`;
}
