import type { AtomicWrite, PersistentRepr } from '@engram/core/spi';

/** A text event `pid` / `seq` as the engine would hand it to the journal. */
export function event(persistenceId: string, sequenceNr: number, overrides: Partial<PersistentRepr> = {}): PersistentRepr {
  return {
    persistenceId,
    sequenceNr,
    serializerId: 1,
    manifest: 'Deposited',
    payload: JSON.stringify({ persistenceId, sequenceNr, amount: 10 }),
    writerUuid: 'writer-1',
    timestamp: 1_700_000_000_000 + sequenceNr,
    tags: [],
    ...overrides,
  };
}

/** One AtomicWrite of the given consecutive sequence nrs. */
export function atomic(persistenceId: string, sequenceNrs: readonly number[], overrides: Partial<PersistentRepr> = {}): AtomicWrite {
  return { persistenceId, events: sequenceNrs.map((seq) => event(persistenceId, seq, overrides)) };
}

/** Collects a replay into an array. */
export async function replayAll(
  journal: { replayMessages(pid: string, from: number, to: number, max: number, on: (e: PersistentRepr) => void): Promise<void> },
  persistenceId: string,
  from = 1,
  to = Infinity,
  max = Infinity,
): Promise<PersistentRepr[]> {
  const events: PersistentRepr[] = [];
  await journal.replayMessages(persistenceId, from, to, max, (e) => events.push(e));
  return events;
}
