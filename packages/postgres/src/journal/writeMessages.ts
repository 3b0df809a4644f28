import { SequenceConflict, type AtomicWrite, type PersistentRepr } from '@engram/core/spi';
import type { PoolClient } from 'pg';
import { encodePayload, textArrayLiteral, textArrayParameter, type EncodedPayload } from '../codec/index.js';
import { inTransaction, typeParsers, type StoreContext } from '../database/index.js';
import type { EventTypes } from './EventTypes.js';
import type { JournalStatements } from './journalStatements.js';
import { validateWrite } from './validateWrite.js';
import type { RunPlan, WriterRuns } from './WriterRuns.js';

/**
 * Bounds of one INSERT statement. A tick's writes (typically a few thousand small events) fit in
 * one; larger calls become several statements in one transaction, so neither the bind message nor
 * the server's parse of the array parameters grows without bound.
 */
const maxRowsPerStatement = 5_000;
const maxBytesPerStatement = 16 * 1024 * 1024;

export interface WriteSettings {
  readonly context: StoreContext;
  readonly statements: JournalStatements;
  readonly types: EventTypes;
  readonly runs: WriterRuns;
  readonly maxPayloadBytes: number;
}

/**
 * The accepted events of a call, flattened in call order, with what is sent beside each: its
 * payload encoded, its type id, and its writer uuid where it starts a writer run (else null).
 */
interface Batch {
  readonly events: readonly PersistentRepr[];
  /** Where each write's events start in `events`, ascending. */
  readonly writeStarts: readonly number[];
  readonly payloads: readonly EncodedPayload[];
  readonly writerUuids: readonly (string | null)[];
  readonly typeIds: number[];
}

/** A statement's share of a call: the events `from` (inclusive) to `to` (exclusive), whole writes. */
interface Chunk {
  readonly from: number;
  readonly to: number;
}

/**
 * Group commit. Every write is checked first, so a bad one is rejected alone. The rest go in
 * multi-row INSERTs of column arrays.
 *
 * The statement itself decides conflicts, per persistenceId: it advances the id's highest
 * sequence nr and inserts its events only when the highest is below the first sequence nr the
 * call carries for it; otherwise nothing of that id is stored and its writes get
 * `SequenceConflict` (a later write of the id would land after another writer's events). So a
 * call that fits in one statement (the usual tick) runs it alone, without BEGIN / COMMIT round
 * trips, conflicts or not. Larger calls run one statement per chunk in a transaction; an id
 * refused in one chunk is left out of the later ones. Either way every AtomicWrite is
 * all-or-nothing and the unrelated writes of the call land.
 */
export async function writeMessages(
  settings: WriteSettings,
  writes: readonly AtomicWrite[],
): Promise<readonly (Error | undefined)[]> {
  const results: (Error | undefined)[] = writes.map(() => undefined);
  const accepted: number[] = [];
  const lastSeqInCall = new Map<string, number>();
  /** Ids whose sequence nr the call repeats, with the first repeated nr: their later writes are refused too. */
  const repeatedInCall = new Map<string, number>();
  for (let i = 0; i < writes.length; i++) {
    const write = writes[i] as AtomicWrite;
    const rejection = validateWrite(write, settings.maxPayloadBytes);
    if (rejection !== undefined) {
      results[i] = rejection;
      continue;
    }
    const first = write.events[0]?.sequenceNr;
    if (first === undefined) continue;
    const repeated = repeatedInCall.get(write.persistenceId);
    if (repeated !== undefined) {
      // Storing it would put the repeating writer's event after the first writer's.
      results[i] = new SequenceConflict(write.persistenceId, repeated);
      continue;
    }
    const before = lastSeqInCall.get(write.persistenceId);
    if (before !== undefined && first <= before) {
      // The call itself carries this sequence nr twice: the second copy is another writer's.
      results[i] = new SequenceConflict(write.persistenceId, first);
      repeatedInCall.set(write.persistenceId, first);
      continue;
    }
    lastSeqInCall.set(write.persistenceId, first + write.events.length - 1);
    accepted.push(i);
  }
  if (accepted.length === 0) return results;

  const ids = [...lastSeqInCall.keys()];
  const { context, statements, types, runs } = settings;
  await context.ensureReady('writeMessages', ids);
  const plan = runs.plan();
  const batch = batchOf(writes, accepted, plan);
  const chunks = chunksOf(batch);
  /** Refused ids, with the first sequence nr the refusing statement carried for them. */
  const refused = new Map<string, number>();
  await context.db.withClient('writeMessages', ids, async (client) => {
    // Before any transaction: a type id is only remembered once its row is committed.
    await resolveTypes(client, types, batch);
    const run = async (chunk: Chunk): Promise<void> => {
      for (const pid of await sendRows(client, statements, batch, chunk, refused)) {
        refused.set(pid, firstSeqOf(batch.events, chunk, pid));
      }
    };
    const [only] = chunks;
    if (chunks.length === 1 && only !== undefined) return run(only);
    await inTransaction(client, async () => {
      for (const chunk of chunks) await run(chunk);
    });
  });
  runs.stored(plan, new Set(refused.keys()));
  // An id is refused, if at all, by the first statement that carries it: the transaction then
  // holds its stream row, and its later writes in the call are above the highest it set.
  for (const index of accepted) {
    const pid = (writes[index] as AtomicWrite).persistenceId;
    const conflict = refused.get(pid);
    if (conflict !== undefined) results[index] = new SequenceConflict(pid, conflict);
  }
  return results;
}

function batchOf(writes: readonly AtomicWrite[], accepted: readonly number[], plan: RunPlan): Batch {
  const events: PersistentRepr[] = [];
  const writeStarts: number[] = [];
  const payloads: EncodedPayload[] = [];
  const writerUuids: (string | null)[] = [];
  for (const index of accepted) {
    const write = writes[index] as AtomicWrite;
    writeStarts.push(events.length);
    let previous: PersistentRepr | undefined;
    for (const event of write.events) {
      events.push(event);
      payloads.push(encodePayload(event.payload));
      // Within an AtomicWrite the sequence nrs are consecutive (checked): the same writer continues.
      writerUuids.push(previous?.writerUuid === event.writerUuid ? null : plan.writerOf(event));
      previous = event;
    }
    if (previous !== undefined) plan.wrote(previous);
  }
  return { events, writeStarts, payloads, writerUuids, typeIds: new Array<number>(events.length) };
}

/** Sets the type id of every event of `batch`, adding the types the journal has not seen yet. */
async function resolveTypes(client: PoolClient, types: EventTypes, batch: Batch): Promise<void> {
  await types.load(client);
  const { events, payloads, typeIds } = batch;
  let missing: number[] | undefined;
  let previous: PersistentRepr | undefined;
  let previousKind = -1;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as PersistentRepr;
    const kind = (payloads[i] as EncodedPayload).kind;
    // Calls mostly repeat a few types: compare with the event before first.
    const sameAsPrevious =
      previous !== undefined &&
      kind === previousKind &&
      event.serializerId === previous.serializerId &&
      event.manifest === previous.manifest;
    if (sameAsPrevious) {
      typeIds[i] = typeIds[i - 1] as number;
    } else {
      const id = types.idOf(event.serializerId, kind, event.manifest);
      if (id === undefined) (missing ??= []).push(i);
      else typeIds[i] = id;
    }
    previous = event;
    previousKind = kind;
  }
  if (missing === undefined) return;
  const wanted = missing.map((i) => {
    const event = events[i] as PersistentRepr;
    return { serializerId: event.serializerId, kind: (payloads[i] as EncodedPayload).kind, manifest: event.manifest };
  });
  const resolved = await types.resolve(client, wanted);
  missing.forEach((i, n) => {
    typeIds[i] = resolved[n] as number;
  });
  // Events that copied the id of a missing one before it was known.
  for (let i = 1; i < events.length; i++) if (typeIds[i] === undefined) typeIds[i] = typeIds[i - 1] as number;
}

/** The batch in statement-sized chunks, each write whole in one chunk. */
function chunksOf({ events, writeStarts }: Batch): readonly Chunk[] {
  const chunks: Chunk[] = [];
  let from = 0;
  let bytes = 0;
  for (let w = 0; w < writeStarts.length; w++) {
    const start = writeStarts[w] as number;
    const end = writeStarts[w + 1] ?? events.length;
    let size = 0;
    for (let i = start; i < end; i++) size += approximateBytes(events[i] as PersistentRepr);
    if (start > from && (end - from > maxRowsPerStatement || bytes + size > maxBytesPerStatement)) {
      chunks.push({ from, to: start });
      from = start;
      bytes = 0;
    }
    bytes += size;
  }
  if (from < events.length) chunks.push({ from, to: events.length });
  return chunks;
}

function firstSeqOf(events: readonly PersistentRepr[], chunk: Chunk, pid: string): number {
  for (let i = chunk.from; i < chunk.to; i++) {
    const event = events[i] as PersistentRepr;
    if (event.persistenceId === pid) return event.sequenceNr;
  }
  return 0;
}

/** Roughly what a row adds to the bind message (bytes travel as hex inside array literals). */
function approximateBytes(event: PersistentRepr): number {
  const ids = event.persistenceId.length + event.writerUuid.length;
  return 64 + valueBytes(event.payload) + valueBytes(event.metadata?.payload) + ids;
}

function valueBytes(value: string | Uint8Array | undefined): number {
  if (value === undefined) return 0;
  return typeof value === 'string' ? value.length : value.byteLength * 2;
}

/**
 * Inserts the events of `chunk`, but those of `refused` ids, with one statement on `client` (in
 * its transaction, if one is open). Returns the persistenceIds the statement refused: nothing of
 * them was stored.
 */
async function sendRows(
  client: PoolClient,
  statements: JournalStatements,
  batch: Batch,
  chunk: Chunk,
  refused: ReadonlyMap<string, number>,
): Promise<readonly string[]> {
  const ids: string[] = [];
  const seqs: number[] = [];
  const writers: (string | null)[] = [];
  const timestamps: number[] = [];
  const typeIds: number[] = [];
  const texts: (string | null)[] = [];
  const bytes: (Uint8Array | null)[] = [];
  const tags: (string | null)[] = [];
  const metaSerializers: (number | null)[] = [];
  const metaManifests: (string | null)[] = [];
  const metaKinds: (number | null)[] = [];
  const metaTexts: (string | null)[] = [];
  const metaBytes: (Uint8Array | null)[] = [];
  let tagged = false;
  for (let i = chunk.from; i < chunk.to; i++) {
    const event = batch.events[i] as PersistentRepr;
    if (refused.size > 0 && refused.has(event.persistenceId)) continue;
    const payload = batch.payloads[i] as EncodedPayload;
    ids.push(event.persistenceId);
    seqs.push(event.sequenceNr);
    writers.push(batch.writerUuids[i] as string | null);
    timestamps.push(event.timestamp);
    typeIds.push(batch.typeIds[i] as number);
    texts.push(payload.text);
    bytes.push(payload.bytes);
    if (event.tags.length === 0) {
      tags.push(null);
    } else {
      tags.push(textArrayLiteral(event.tags));
      tagged = true;
    }
    const meta = event.metadata;
    if (meta === undefined) {
      metaSerializers.push(null);
      metaManifests.push(null);
      metaKinds.push(null);
      metaTexts.push(null);
      metaBytes.push(null);
    } else {
      const encoded = encodePayload(meta.payload);
      metaSerializers.push(meta.serializerId);
      metaManifests.push(meta.manifest);
      metaKinds.push(encoded.kind);
      metaTexts.push(encoded.text);
      metaBytes.push(encoded.bytes);
    }
  }
  if (ids.length === 0) return [];
  const statement = tagged ? statements.insertTagged : statements.insert;
  const result = await client.query<[string]>({
    name: statement.name,
    text: statement.text,
    // In the order of the statement's $1..$13. Text arrays go as literals built here: the
    // driver's per-element escaping was the store's largest client cost per row.
    values: [
      textArrayParameter(ids),
      seqs,
      textArrayParameter(writers),
      timestamps,
      typeIds,
      textArrayParameter(texts),
      bytes,
      textArrayParameter(tags),
      metaSerializers,
      textArrayParameter(metaManifests),
      metaKinds,
      textArrayParameter(metaTexts),
      metaBytes,
    ],
    rowMode: 'array',
    types: typeParsers,
  });
  return result.rows.map(([pid]) => pid);
}

/** Events ready for `insertOnClient`: their types resolved, and committed, beforehand. */
export interface PreparedEvents {
  readonly batch: Batch;
}

/**
 * Resolves the types of `events` on `client`, which must not be inside a transaction: a type row
 * is committed on its own, as `writeMessages` does, so that a transaction of the journal writes
 * nothing before its statement has taken the journal's write lock. Give each caller its own
 * `EventTypes` when the transaction may roll back, as the cache is shared with nothing then.
 */
export async function prepareEvents(client: PoolClient, types: EventTypes, events: readonly PersistentRepr[]): Promise<PreparedEvents> {
  const batch: Batch = {
    events,
    writeStarts: events.map((_, i) => i),
    payloads: events.map((event) => encodePayload(event.payload)),
    writerUuids: events.map((event) => event.writerUuid),
    typeIds: new Array<number>(events.length),
  };
  await resolveTypes(client, types, batch);
  return { batch };
}

/**
 * Writes prepared events with the journal's own statement on `client`, inside whatever
 * transaction the caller holds open, each event starting a writer run. For tests and the torture
 * writer, which need a write to sit uncommitted. Returns the persistenceIds the statement refused.
 */
export function insertOnClient(client: PoolClient, statements: JournalStatements, prepared: PreparedEvents): Promise<readonly string[]> {
  const { batch } = prepared;
  return sendRows(client, statements, batch, { from: 0, to: batch.events.length }, new Map());
}
