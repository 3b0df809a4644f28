import { SequenceConflict, type AtomicWrite, type PersistentRepr } from '@engram/core/spi';
import type { PoolClient } from 'pg';
import { EventColumns, eventRow, payloadKind, type PayloadKind } from '../codec/index.js';
import { inTransaction, typeParsers, type StoreContext } from '../database/index.js';
import type { EventTypes } from './EventTypes.js';
import type { JournalStatements, NamedStatement } from './journalStatements.js';
import { checkWrite } from './validateWrite.js';
import type { WriterRuns } from './WriterRuns.js';

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
 * The accepted writes of a call, in call order, with the type id of each of their events (in the
 * same order, flattened).
 */
interface Batch {
  readonly writes: readonly AtomicWrite[];
  readonly typeIds: readonly number[];
}

/** A statement's share of a batch: its writes `from` (inclusive) to `to` (exclusive). */
interface Chunk {
  readonly from: number;
  readonly to: number;
  /** Index in `typeIds` of the first event of write `from`. */
  readonly firstEvent: number;
}

/**
 * Who wrote what, as the rows record it: the writer uuid a write's first event carries (null when
 * it continues the run of the event before it), and the last event of each write stored.
 */
interface RunRecorder {
  writerOf(first: PersistentRepr): string | null;
  wrote(last: PersistentRepr): void;
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
  const results = new Array<Error | undefined>(writes.length).fill(undefined);
  const accepted: AtomicWrite[] = [];
  /** The approximate bytes of each accepted write in a statement. */
  const sizes: number[] = [];
  const lastSeqInCall = new Map<string, number>();
  /** Ids whose sequence nr the call repeats, with the first repeated nr: their later writes are refused too. */
  const repeatedInCall = new Map<string, number>();
  for (let i = 0; i < writes.length; i++) {
    const write = writes[i] as AtomicWrite;
    const checked = checkWrite(write, settings.maxPayloadBytes);
    if (typeof checked !== 'number') {
      results[i] = checked;
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
    accepted.push(write);
    sizes.push(checked);
  }
  if (accepted.length === 0) return results;

  const ids = [...lastSeqInCall.keys()];
  const { context, statements, types, runs } = settings;
  await context.ensureReady('writeMessages', ids);
  const plan = runs.plan();
  const chunks = chunksOf(accepted, sizes);
  /** Refused ids, with the first sequence nr the refusing statement carried for them. */
  const refused = new Map<string, number>();
  await context.db.withClient('writeMessages', ids, async (client) => {
    // Before any transaction: a type id is only remembered once its row is committed.
    const batch = { writes: accepted, typeIds: await resolveTypes(client, types, accepted) };
    const run = async (chunk: Chunk): Promise<void> => {
      for (const pid of await sendRows(client, statements, batch, chunk, refused, plan)) {
        refused.set(pid, firstSeqOf(accepted, chunk, pid));
      }
    };
    const [only] = chunks;
    if (chunks.length === 1 && only !== undefined) return run(only);
    await inTransaction(client, async () => {
      for (const chunk of chunks) await run(chunk);
    });
  });
  runs.stored(plan, new Set(refused.keys()));
  if (refused.size === 0) return results;
  // An id is refused, if at all, by the first statement that carries it: the transaction then
  // holds its stream row, and its later writes in the call are above the highest it set.
  for (let i = 0; i < writes.length; i++) {
    const write = writes[i] as AtomicWrite;
    const conflict = refused.get(write.persistenceId);
    if (conflict !== undefined && results[i] === undefined && write.events.length > 0) {
      results[i] = new SequenceConflict(write.persistenceId, conflict);
    }
  }
  return results;
}

/** The type id of every event of `writes`, flattened in order, adding the types the journal has not seen yet. */
async function resolveTypes(client: PoolClient, types: EventTypes, writes: readonly AtomicWrite[]): Promise<number[]> {
  await types.load(client);
  const typeIds: number[] = [];
  let missing: { readonly index: number; readonly event: PersistentRepr; readonly kind: PayloadKind }[] | undefined;
  let previous: PersistentRepr | undefined;
  let previousKind = -1;
  for (const write of writes) {
    for (const event of write.events) {
      const kind = payloadKind(event.payload);
      // Calls mostly repeat a few types: compare with the event before first.
      const sameAsPrevious =
        previous !== undefined &&
        kind === previousKind &&
        event.serializerId === previous.serializerId &&
        event.manifest === previous.manifest;
      if (sameAsPrevious) {
        typeIds.push(typeIds[typeIds.length - 1] as number);
      } else {
        const id = types.idOf(event.serializerId, kind, event.manifest);
        if (id === undefined) (missing ??= []).push({ index: typeIds.length, event, kind });
        // -1 until resolved below: no stored type has it.
        typeIds.push(id ?? -1);
      }
      previous = event;
      previousKind = kind;
    }
  }
  if (missing === undefined) return typeIds;
  const resolved = await types.resolve(
    client,
    missing.map(({ event, kind }) => ({ serializerId: event.serializerId, kind, manifest: event.manifest })),
  );
  missing.forEach(({ index }, n) => {
    typeIds[index] = resolved[n] as number;
  });
  // Events that copied the id of a missing one before it was known.
  for (let i = 1; i < typeIds.length; i++) if (typeIds[i] === -1) typeIds[i] = typeIds[i - 1] as number;
  return typeIds;
}

/** The writes in statement-sized chunks, each write whole in one chunk. */
function chunksOf(writes: readonly AtomicWrite[], sizes: readonly number[]): readonly Chunk[] {
  const chunks: Chunk[] = [];
  let from = 0;
  let firstEvent = 0;
  let rows = 0;
  let bytes = 0;
  for (let w = 0; w < writes.length; w++) {
    const events = (writes[w] as AtomicWrite).events.length;
    const size = sizes[w] as number;
    if (w > from && (rows + events > maxRowsPerStatement || bytes + size > maxBytesPerStatement)) {
      chunks.push({ from, to: w, firstEvent });
      from = w;
      firstEvent += rows;
      rows = 0;
      bytes = 0;
    }
    rows += events;
    bytes += size;
  }
  chunks.push({ from, to: writes.length, firstEvent });
  return chunks;
}

function firstSeqOf(writes: readonly AtomicWrite[], chunk: Chunk, pid: string): number {
  for (let w = chunk.from; w < chunk.to; w++) {
    const write = writes[w] as AtomicWrite;
    if (write.persistenceId === pid) return write.events[0]?.sequenceNr ?? 0;
  }
  return 0;
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
  runs: RunRecorder,
): Promise<readonly string[]> {
  const { writes, typeIds } = batch;
  let rows = 0;
  for (let w = chunk.from; w < chunk.to; w++) rows += (writes[w] as AtomicWrite).events.length;
  if (rows === 1) {
    // One event: the chunk is one write (an accepted write has events).
    const write = writes[chunk.from] as AtomicWrite;
    if (refused.size > 0 && refused.has(write.persistenceId)) return [];
    return sendRow(client, statements, write.events[0] as PersistentRepr, typeIds[chunk.firstEvent] as number, runs);
  }
  const columns = new EventColumns(rows);
  let event = chunk.firstEvent;
  for (let w = chunk.from; w < chunk.to; w++) {
    const write = writes[w] as AtomicWrite;
    if (refused.size > 0 && refused.has(write.persistenceId)) {
      event += write.events.length;
      continue;
    }
    let previous: PersistentRepr | undefined;
    for (const e of write.events) {
      // Within an AtomicWrite the sequence nrs are consecutive (checked): the same writer continues.
      const writer = previous === undefined ? runs.writerOf(e) : previous.writerUuid === e.writerUuid ? null : e.writerUuid;
      columns.add(e, writer, typeIds[event++] as number);
      previous = e;
    }
    if (previous !== undefined) runs.wrote(previous);
  }
  if (columns.rows === 0) return [];
  return insert(client, columns.tagged ? statements.insertTagged : statements.insert, columns.values());
}

/** Runs one of the journal's insert statements; returns the persistenceIds it refused. */
async function insert(client: PoolClient, statement: NamedStatement, values: unknown[]): Promise<readonly string[]> {
  const result = await client.query<[string]>({ name: statement.name, text: statement.text, values, rowMode: 'array', types: typeParsers });
  return result.rows.map(([pid]) => pid);
}

/** `sendRows` for a chunk of one event: the one-row statement, with scalar parameters. */
function sendRow(client: PoolClient, statements: JournalStatements, event: PersistentRepr, typeId: number, runs: RunRecorder): Promise<readonly string[]> {
  const values = eventRow(event, runs.writerOf(event), typeId);
  runs.wrote(event);
  return insert(client, event.tags.length > 0 ? statements.insertOneTagged : statements.insertOne, values);
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
  const writes = events.map((event) => ({ persistenceId: event.persistenceId, events: [event] }));
  return { batch: { writes, typeIds: await resolveTypes(client, types, writes) } };
}

/** Every event starts a writer run. */
const runPerEvent: RunRecorder = { writerOf: (first) => first.writerUuid, wrote: () => {} };

/**
 * Writes prepared events with the journal's own statement on `client`, inside whatever
 * transaction the caller holds open, each event starting a writer run. For tests and the torture
 * writer, which need a write to sit uncommitted. Returns the persistenceIds the statement refused.
 */
export function insertOnClient(client: PoolClient, statements: JournalStatements, prepared: PreparedEvents): Promise<readonly string[]> {
  const { batch } = prepared;
  return sendRows(client, statements, batch, { from: 0, to: batch.writes.length, firstEvent: 0 }, new Map(), runPerEvent);
}
