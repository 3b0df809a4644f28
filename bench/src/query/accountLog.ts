import type { AtomicWrite, Journal } from '@engram/core/spi';
import { payloadFor, pidOf, WRITER_UUID } from '../sqlite/workload.js';

/** The tag every event of the read-side benchmarks carries. */
export const accountTag = 'account';

/** Every event deposits this much, so a reader's sum of `amount` proves it parsed every payload. */
export const depositAmount = 100;

/**
 * The log the catch-up and projection figures read: `accounts` accounts taking turns, each
 * persisting the 131-byte Deposited event of bench/src/persistence/accountEvents.ts, every event
 * tagged `account`, so `eventsByTag('account')` reads the whole log in global order across ids.
 */
export interface AccountLog {
  readonly accounts: number;
  readonly events: number;
}

export function accountLog(events: number, accounts = 1_000): AccountLog {
  return { accounts: Math.min(accounts, events), events };
}

/**
 * Fills an empty journal with the log through `writeMessages`, in calls of about `perCall` events
 * (one AtomicWrite of several events per account), `inFlight` calls at a time: filling is setup, not
 * measured, so it uses the biggest batches the store takes well. Concurrent calls write disjoint
 * accounts, as the engine guarantees (one call in flight per persistenceId).
 */
export async function fillAccountLog(journal: Journal, log: AccountLog, perCall = 10_000, inFlight = 1): Promise<void> {
  const lanes = Math.max(1, Math.min(inFlight, log.accounts));
  await Promise.all(Array.from({ length: lanes }, (_, lane) => fillLane(journal, log, perCall, lane, lanes)));
}

async function fillLane(journal: Journal, log: AccountLog, perCall: number, lane: number, lanes: number): Promise<void> {
  const accounts: number[] = [];
  for (let a = lane; a < log.accounts; a += lanes) accounts.push(a);
  const perAccount = Math.max(1, Math.floor(perCall / accounts.length));
  const rounds = Math.ceil(log.events / log.accounts);
  for (let round = 0; round < rounds; round += perAccount) {
    const writes: AtomicWrite[] = [];
    for (const a of accounts) {
      const persistenceId = pidOf(a);
      const events = [];
      // Event number r * accounts + a of the log is account a's event of round r.
      for (let r = round; r < Math.min(rounds, round + perAccount) && r * log.accounts + a < log.events; r++) {
        const sequenceNr = r + 1;
        events.push({
          persistenceId,
          sequenceNr,
          serializerId: 1,
          manifest: 'Deposited',
          payload: payloadFor(persistenceId, sequenceNr),
          writerUuid: WRITER_UUID,
          timestamp: 1_700_000_000_000 + r,
          tags: [accountTag],
        });
      }
      if (events.length > 0) writes.push({ persistenceId, events });
    }
    if (writes.length === 0) continue;
    const results = await journal.writeMessages(writes);
    const rejected = results.find((r) => r !== undefined);
    if (rejected !== undefined) throw new Error(`filling the account log: a write was rejected: ${rejected.message}`, { cause: rejected });
  }
}
