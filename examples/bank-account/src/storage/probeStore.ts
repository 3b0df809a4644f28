import type { Journal } from '@engram/core';
import { LegacyAccountDirectory, StoreUnavailable } from './errors.js';

/** The persistenceId the probe reads: no actor writes it, so the answer is always 0. */
const probePersistenceId = 'bank-readiness-probe';
/** Where the earlier version of the example listed every account (one AccountOpened each). */
const legacyDirectoryId = 'AccountDirectory';

/** Resolves when the journal answers a read within `timeoutMs`; else rejects with StoreUnavailable naming the store. */
export async function probeStore(journal: Journal, store: string, timeoutMs: number): Promise<void> {
  await withDeadline(journal.readHighestSequenceNr(probePersistenceId, 0), store, timeoutMs);
}

/**
 * Start-up's check of the store: it answers, and it holds no account directory of the earlier
 * version (see LegacyAccountDirectory). One cheap read each, whatever the number of accounts.
 */
export async function checkStoreAtStart(journal: Journal, store: string, timeoutMs: number): Promise<void> {
  await probeStore(journal, store, timeoutMs);
  const legacyAccounts = await withDeadline(journal.readHighestSequenceNr(legacyDirectoryId, 0), store, timeoutMs);
  if (legacyAccounts > 0) throw new LegacyAccountDirectory(store, legacyAccounts);
}

async function withDeadline<T>(work: Promise<T>, store: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailable(store, `did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      work.catch((error: unknown) => {
        throw new StoreUnavailable(store, `is unreachable: ${error instanceof Error ? error.message : String(error)}`, error);
      }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
