import { expect } from 'vitest';
import { isErrorNamed, type AtomicWrite, type ReadJournal } from '@engram/core/spi';
import type { EventEnvelope, Offset } from '@engram/core';
import type { EventWriters } from './EventWriters.js';
import { within } from './DeadlineExceeded.js';
import { drain } from './LiveCollector.js';

/** An envelope as cases compare them: persistenceId, sequence nr, event. */
export type Seen = readonly [persistenceId: string, sequenceNr: number, event: unknown];

export function seen(envelopes: readonly EventEnvelope[]): Seen[] {
  return envelopes.map((e) => [e.persistenceId, e.sequenceNr, e.event] as const);
}

/** `persistenceId:sequenceNr`, the identity of a stored event. */
export function keyOf(envelope: Pick<EventEnvelope, 'persistenceId' | 'sequenceNr'>): string {
  return `${envelope.persistenceId}:${envelope.sequenceNr}`;
}

export function describeEnvelopes(envelopes: readonly EventEnvelope[]): string {
  const shown = envelopes.slice(-12).map((e) => `${keyOf(e)} ${JSON.stringify(e.event)}`);
  return (envelopes.length > 12 ? '..., ' : '') + shown.join(', ');
}

/** Keeps the envelopes of the given ids: the store is shared with other cases. */
export function ofIds(...persistenceIds: readonly string[]): (envelope: EventEnvelope) => boolean {
  const ids = new Set(persistenceIds);
  return (envelope) => ids.has(envelope.persistenceId);
}

/** Keeps the envelopes whose persistenceId starts with `prefix`. */
export function ofPrefix(prefix: string): (envelope: EventEnvelope) => boolean {
  return (envelope) => envelope.persistenceId.startsWith(prefix);
}

/** Asserts no event came twice, naming the first repeat. */
export function expectNoDuplicates(envelopes: readonly EventEnvelope[], what: string): void {
  const keys = new Set<string>();
  for (const [i, envelope] of envelopes.entries()) {
    const key = keyOf(envelope);
    if (keys.has(key)) expect.fail(`${what}: event ${key} was returned twice (again at position ${i} of ${envelopes.length})`);
    keys.add(key);
  }
}

/** Asserts the sequence nrs of every id ascend in the order returned. */
export function expectPerIdOrder(envelopes: readonly EventEnvelope[], what: string): void {
  const last = new Map<string, number>();
  for (const envelope of envelopes) {
    const before = last.get(envelope.persistenceId);
    if (before !== undefined && envelope.sequenceNr <= before) {
      expect.fail(`${what}: event ${keyOf(envelope)} came after sequence nr ${before} of the same id`);
    }
    last.set(envelope.persistenceId, envelope.sequenceNr);
  }
}

/** The fields every envelope must carry, checked against the event string that was persisted. */
export function expectEnvelopeFields(envelope: EventEnvelope, readJournal: ReadJournal, tags: readonly string[]): void {
  const what = `envelope of ${keyOf(envelope)}`;
  expect(envelope.offset.kind, `${what}: offset kind`).toBe(readJournal.offsetKind);
  expect(String(envelope.offset), `${what}: offset text`).toMatch(new RegExp(`^${readJournal.offsetKind}:\\S+$`));
  expect(Number.isFinite(envelope.timestamp) && envelope.timestamp > 0, `${what}: timestamp ${envelope.timestamp} > 0`).toBe(true);
  expect([...envelope.tags].sort(), `${what}: tags`).toEqual([...tags].sort());
}

/**
 * A place in the global order before every event written after this call: the offset of a marker
 * event persisted now. Global queries from it read only what the case writes next (and what
 * other writers of the shared store write meanwhile, which cases filter out).
 */
export async function offsetNow(readJournal: ReadJournal, writers: EventWriters, markerId: string, deadlineMs: number): Promise<Offset> {
  await writers.persist(markerId, 'a marker');
  const [marker] = await drain(
    `currentEventsByPersistenceId of the marker ${markerId}`,
    (signal) => readJournal.currentEventsByPersistenceId(markerId, 0, Infinity, { signal }),
    deadlineMs,
  );
  if (marker === undefined) expect.fail(`the marker event of ${markerId} was persisted but currentEventsByPersistenceId did not return it`);
  return marker.offset;
}

/** AtomicWrites of strings as the engine writes them (JSON serializer, identity adapter), for writers outside an actor system. */
export function atomicWriteOf(persistenceId: string, firstSequenceNr: number, events: readonly string[], tags: readonly string[], writerUuid: string): AtomicWrite {
  return {
    persistenceId,
    events: events.map((event, i) => ({
      persistenceId,
      sequenceNr: firstSequenceNr + i,
      serializerId: 1,
      manifest: '',
      payload: JSON.stringify(event),
      writerUuid,
      timestamp: Date.now(),
      tags,
    })),
  };
}

/**
 * Runs `action` (which may throw at once, reject, or return a query that fails on its first read)
 * and returns its error; fails when it succeeds.
 */
export async function errorOf(action: () => unknown, what: string, deadlineMs: number): Promise<unknown> {
  try {
    const result = action();
    if (isAsyncIterable(result)) {
      const iterator = result[Symbol.asyncIterator]();
      const first = await within(iterator.next(), deadlineMs, `${what}: the first read`);
      // Not awaited: a live query that wrongly accepted the input may be waiting for events.
      void iterator.return?.(undefined).catch(() => undefined);
      return expect.fail(`${what}: expected an error, the query returned ${first.done === true ? 'nothing and completed' : 'an event'}`);
    }
    await result;
  } catch (error) {
    if (isErrorNamed(error, 'AssertionError')) throw error;
    return error;
  }
  return expect.fail(`${what}: expected an error, it succeeded`);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
