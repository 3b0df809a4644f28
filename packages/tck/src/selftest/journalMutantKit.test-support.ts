import type { AtomicWrite, Journal, PersistentRepr } from '@engram/core/spi';
import { JournalHandle, MemoryJournal, recoveryByTwoCalls } from './MemoryHandles.test-support.js';

/** How a (possibly broken) journal is created and reopened, as the TCK options need. */
export interface JournalSetup {
  readonly create: () => Promise<Journal>;
  readonly reopen: (old: Journal) => Promise<Journal>;
}

/** A deliberately broken journal: each mimics a bug real stores have had. */
export interface JournalMutant {
  readonly name: string;
  readonly setup: (maxPayloadBytes: number) => JournalSetup;
}

export type Replay = Journal['replayMessages'];

/**
 * `inner` with some methods replaced. When `inner` has `replayForRecovery` and it is not among the
 * overrides, it is built from the (possibly replaced) two calls it stands for, so that a broken
 * replay or highest also breaks recovery, as it would in a store that shares their code.
 */
export function override(inner: Journal, overrides: Partial<Journal>): Journal {
  const journal: Journal = {
    writeMessages: (writes) => inner.writeMessages(writes),
    replayMessages: (pid, from, to, max, onEvent) => inner.replayMessages(pid, from, to, max, onEvent),
    readHighestSequenceNr: (pid, from) => inner.readHighestSequenceNr(pid, from),
    deleteMessagesTo: (pid, to) => inner.deleteMessagesTo(pid, to),
    close: async () => inner.close?.(),
    ...overrides,
  };
  if (inner.replayForRecovery === undefined || journal.replayForRecovery !== undefined) return journal;
  return { ...journal, replayForRecovery: (pid, from, to, max, onEvent) => recoveryByTwoCalls(journal, pid, from, to, max, onEvent) };
}

export type Recover = NonNullable<Journal['replayForRecovery']>;

/** `inner` with `replayForRecovery` replaced by `change(inner's)`. */
export function recoverWith(change: (inner: Journal, recover: Recover) => Recover): (inner: Journal) => Journal {
  return (inner) => {
    const recover = inner.replayForRecovery;
    if (recover === undefined) throw new Error('recoverWith needs a journal with replayForRecovery');
    return override(inner, { replayForRecovery: change(inner, recover.bind(inner)) });
  };
}

/** Correct storage shared by every instance (durable and shared), each instance wrapped by `wrap`. */
export function wrapped(name: string, wrap: (inner: Journal) => Journal): JournalMutant {
  return {
    name,
    setup: (max) => {
      const storage = new MemoryJournal({ maxPayloadBytes: max });
      return {
        create: async () => wrap(new JournalHandle(storage)),
        reopen: async () => wrap(new JournalHandle(storage)),
      };
    },
  };
}

export const correctJournal: JournalMutant = wrapped('correct', (inner) => inner);

export function replayWith(change: (inner: Journal) => Replay): (inner: Journal) => Journal {
  return (inner) => override(inner, { replayMessages: change(inner) });
}

/** Events come back changed by `map` (what the store returns differs from what it was given). */
export function mapReplayed(map: (e: PersistentRepr) => PersistentRepr): (inner: Journal) => Journal {
  return replayWith((inner) => (pid, from, to, max, onEvent) => inner.replayMessages(pid, from, to, max, (e) => onEvent(map(e))));
}

/** Events are changed by `map` on their way in. */
export function mapWritten(map: (e: PersistentRepr) => PersistentRepr): (inner: Journal) => Journal {
  return (inner) =>
    override(inner, {
      writeMessages: (writes) => inner.writeMessages(writes.map((w) => ({ ...w, events: w.events.map(map) }))),
    });
}

export function mapText(map: (text: string) => string): (e: PersistentRepr) => PersistentRepr {
  return (e) => (typeof e.payload === 'string' ? { ...e, payload: map(e.payload) } : e);
}

/** The store keeps ids as `map(id)`, in every operation and in what it returns. */
export function mapIds(map: (pid: string) => string): (inner: Journal) => Journal {
  const mapWrite = (w: AtomicWrite): AtomicWrite => ({
    persistenceId: map(w.persistenceId),
    events: w.events.map((e) => ({ ...e, persistenceId: map(e.persistenceId) })),
  });
  return (inner) =>
    override(inner, {
      writeMessages: (writes) => inner.writeMessages(writes.map(mapWrite)),
      replayMessages: (pid, from, to, max, onEvent) => inner.replayMessages(map(pid), from, to, max, onEvent),
      readHighestSequenceNr: (pid, from) => inner.readHighestSequenceNr(map(pid), from),
      deleteMessagesTo: (pid, to) => inner.deleteMessagesTo(map(pid), to),
    });
}

export async function liveHighest(inner: Journal, pid: string): Promise<number> {
  let last = 0;
  await inner.replayMessages(pid, 1, Infinity, Infinity, (e) => (last = e.sequenceNr));
  return last;
}

/** Writes `writes` with a payload check of its own in front of a storage that has none. */
function limitedBy(tooLarge: (payload: string | Uint8Array, max: number) => boolean, max: number) {
  return (inner: Journal): Journal =>
    override(inner, {
      writeMessages: async (writes) => {
        const rejected = writes.map((w) => w.events.some((e) => tooLarge(e.payload, max)));
        const stored = await inner.writeMessages(writes.filter((_, i) => !rejected[i]));
        let next = 0;
        return rejected.map((r) => (r ? Object.assign(new Error('too large'), { name: 'PayloadTooLarge' }) : stored[next++]));
      },
    });
}

export const utf8 = (text: string) => new TextEncoder().encode(text).length;
const UNLIMITED = 1 << 30;

export function limitMutant(name: string, tooLarge: (payload: string | Uint8Array, max: number) => boolean): JournalMutant {
  return {
    name,
    setup: (max) => {
      const storage = new MemoryJournal({ maxPayloadBytes: UNLIMITED });
      const wrap = limitedBy(tooLarge, max);
      return { create: async () => wrap(new JournalHandle(storage)), reopen: async () => wrap(new JournalHandle(storage)) };
    },
  };
}

/** A store that looks ids up with SQL LIKE: `_` and `%` in an id match other ids. */
export function likeMatching(inner: Journal): Journal {
  const known = new Set<string>();
  const matching = (pattern: string) => {
    const regex = new RegExp(
      '^' + [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$',
      's',
    );
    return [...known].filter((pid) => regex.test(pid));
  };
  return override(inner, {
    writeMessages: async (writes) => {
      for (const w of writes) known.add(w.persistenceId);
      return inner.writeMessages(writes);
    },
    replayMessages: async (pid, from, to, max, onEvent) => {
      const events: PersistentRepr[] = [];
      for (const other of matching(pid)) await inner.replayMessages(other, from, to, Infinity, (e) => events.push(e));
      events.sort((a, b) => a.sequenceNr - b.sequenceNr);
      for (const e of events.slice(0, max)) onEvent(e);
    },
    readHighestSequenceNr: async (pid, from) => {
      let highest = 0;
      for (const other of matching(pid)) highest = Math.max(highest, await inner.readHighestSequenceNr(other, from));
      return highest;
    },
    deleteMessagesTo: async (pid, to) => {
      for (const other of matching(pid)) await inner.deleteMessagesTo(other, to);
    },
  });
}
