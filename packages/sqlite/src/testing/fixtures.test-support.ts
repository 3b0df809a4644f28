import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtomicWrite, PersistentRepr } from '@engram/core/spi';

/** A fresh directory under the OS temp dir, with a database path inside it. */
export function tempDatabase(): { readonly dir: string; readonly path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'engram-sqlite-test-'));
  return { dir, path: join(dir, 'engram.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function repr(persistenceId: string, sequenceNr: number, overrides: Partial<PersistentRepr> = {}): PersistentRepr {
  return {
    persistenceId,
    sequenceNr,
    serializerId: 1,
    manifest: 'Noted',
    payload: JSON.stringify({ persistenceId, sequenceNr }),
    writerUuid: 'writer-1',
    timestamp: 1_700_000_000_000 + sequenceNr,
    tags: [],
    ...overrides,
  };
}

/** One AtomicWrite of consecutive events `from..to` of one persistenceId. */
export function atomic(persistenceId: string, from: number, to = from, overrides: Partial<PersistentRepr> = {}): AtomicWrite {
  const events: PersistentRepr[] = [];
  for (let seq = from; seq <= to; seq++) events.push(repr(persistenceId, seq, overrides));
  return { persistenceId, events };
}
