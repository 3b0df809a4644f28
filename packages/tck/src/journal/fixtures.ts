import { expect } from 'vitest';
import type { AtomicWrite, Journal, PersistentRepr } from '@engram/core/spi';
import { expectSamePayload, expectSameSerializedValue } from '../support/assertions.js';
import type { JournalCaseContext } from './JournalCase.js';

export const WRITER_A = 'tck-writer-a-0b7f3a8e-2c51-4d0e-9a4c-5f0c1d2e3a4b';
export const WRITER_B = 'tck-writer-b-7c9d1e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f';
/** 2023-11-14T22:13:20.000Z; event n is written at BASE_TIMESTAMP + n ms. */
export const BASE_TIMESTAMP = 1_700_000_000_000;

type EventFields = Partial<Omit<PersistentRepr, 'persistenceId' | 'sequenceNr'>>;

/** Event `sequenceNr` of `persistenceId` with payload "a-<seq>", as the TCK setup writes them. */
export function event(persistenceId: string, sequenceNr: number, fields: EventFields = {}): PersistentRepr {
  return {
    persistenceId,
    sequenceNr,
    serializerId: 1,
    manifest: 'TckEvent',
    payload: `a-${sequenceNr}`,
    writerUuid: WRITER_A,
    timestamp: BASE_TIMESTAMP + sequenceNr,
    tags: [],
    ...fields,
  };
}

/** One AtomicWrite of the given sequence nrs. */
export function atomic(persistenceId: string, sequenceNrs: readonly number[], fields: EventFields = {}): AtomicWrite {
  return { persistenceId, events: sequenceNrs.map((seq) => event(persistenceId, seq, fields)) };
}

export function range(from: number, to: number): number[] {
  const result: number[] = [];
  for (let seq = from; seq <= to; seq++) result.push(seq);
  return result;
}

/** Writes in one call and asserts every AtomicWrite was stored. */
export async function writeOk(journal: Journal, ...writes: AtomicWrite[]): Promise<void> {
  const results = await journal.writeMessages(writes);
  expect(results, 'writeMessages resolves with one entry per AtomicWrite').toHaveLength(writes.length);
  results.forEach((result, i) => {
    const write = writes[i]!;
    const seqs = write.events.map((e) => e.sequenceNr).join(',');
    expect(result, `AtomicWrite ${i} (${write.persistenceId} seq ${seqs}) should be stored`).toBeUndefined();
  });
}

/** The events a replay delivers, in delivery order. */
export async function replay(
  journal: Journal,
  persistenceId: string,
  from = 1,
  to = Infinity,
  max = Infinity,
): Promise<PersistentRepr[]> {
  const events: PersistentRepr[] = [];
  await journal.replayMessages(persistenceId, from, to, max, (e) => {
    events.push(e);
  });
  return events;
}

export function seqNrs(events: readonly PersistentRepr[]): number[] {
  return events.map((e) => e.sequenceNr);
}

export async function expectReplay(journal: Journal, persistenceId: string, expected: readonly number[]): Promise<void> {
  expect(seqNrs(await replay(journal, persistenceId)), `replay of ${persistenceId}`).toEqual(expected);
}

export async function expectHighest(journal: Journal, persistenceId: string, expected: number): Promise<void> {
  expect(await journal.readHighestSequenceNr(persistenceId, 0), `highest sequence nr of ${persistenceId}`).toBe(expected);
}

/**
 * The setup of TCK.md: a fresh id with seq 1, 2, 3 written as single writes and (4, 5) as one
 * atomic write, payloads "a-1".."a-5", every write acknowledged in order.
 */
export async function writeFive(context: JournalCaseContext, journal: Journal = context.journal): Promise<string> {
  const pid = context.pid('five');
  for (const seq of [1, 2, 3]) await writeOk(journal, atomic(pid, [seq]));
  await writeOk(journal, atomic(pid, [4, 5]));
  return pid;
}

/** Asserts a replayed event carries every field that was written, unchanged. */
export function expectSameEvent(
  actual: PersistentRepr | undefined,
  expected: PersistentRepr,
  options: { readonly metadata: boolean },
): void {
  const what = `event ${expected.sequenceNr} of ${expected.persistenceId}`;
  expect(actual, `${what} was not replayed`).toBeDefined();
  if (actual === undefined) return;
  expect(actual.persistenceId, `${what}: persistenceId`).toBe(expected.persistenceId);
  expect(actual.sequenceNr, `${what}: sequenceNr`).toBe(expected.sequenceNr);
  expect(actual.serializerId, `${what}: serializerId`).toBe(expected.serializerId);
  expect(actual.manifest, `${what}: manifest`).toBe(expected.manifest);
  expectSamePayload(actual.payload, expected.payload, `${what}: payload`);
  expect(actual.writerUuid, `${what}: writerUuid`).toBe(expected.writerUuid);
  expect(actual.timestamp, `${what}: timestamp`).toBe(expected.timestamp);
  expect(actual.tags, `${what}: tags, in order`).toEqual(expected.tags);
  if (options.metadata) {
    if (expected.metadata === undefined) {
      expect(actual.metadata, `${what}: metadata was never written`).toBeUndefined();
    } else {
      expectSameSerializedValue(actual.metadata, expected.metadata, `${what}: metadata`);
    }
  }
}
