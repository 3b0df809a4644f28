import {
  SnapshotSelectionCriteria,
  type SelectedSnapshot,
  type SerializedValue,
  type SnapshotMetadata,
  type SnapshotStore,
} from '@engram/core/spi';
import { MemorySnapshotStore, SnapshotStoreHandle } from './MemoryHandles.test-support.js';

export interface SnapshotStoreSetup {
  readonly create: () => Promise<SnapshotStore>;
  readonly reopen: (old: SnapshotStore) => Promise<SnapshotStore>;
}

/** A deliberately broken snapshot store: each mimics a bug real stores have had. */
export interface SnapshotStoreMutant {
  readonly name: string;
  readonly setup: () => SnapshotStoreSetup;
}

function override(inner: SnapshotStore, overrides: Partial<SnapshotStore>): SnapshotStore {
  return {
    load: (pid, criteria) => inner.load(pid, criteria),
    save: (metadata, snapshot) => inner.save(metadata, snapshot),
    delete: (metadata) => inner.delete(metadata),
    deleteMatching: (pid, criteria) => inner.deleteMatching(pid, criteria),
    close: async () => inner.close?.(),
    ...overrides,
  };
}

/** Correct storage shared by every instance (durable and shared), each instance wrapped by `wrap`. */
function wrapped(name: string, wrap: (inner: SnapshotStore) => SnapshotStore): SnapshotStoreMutant {
  return {
    name,
    setup: () => {
      const storage = new MemorySnapshotStore();
      return {
        create: async () => wrap(new SnapshotStoreHandle(storage)),
        reopen: async () => wrap(new SnapshotStoreHandle(storage)),
      };
    },
  };
}

export const correctSnapshotStore: SnapshotStoreMutant = wrapped('correct', (inner) => inner);

/** A store that keeps every snapshot in a list and selects with `select` among the matches. */
function listStore(
  select: (matches: SelectedSnapshot[]) => SelectedSnapshot | undefined,
  matches: (c: SnapshotSelectionCriteria, m: SnapshotMetadata) => boolean = SnapshotSelectionCriteria.matches,
): (inner: SnapshotStore) => SnapshotStore {
  return () => {
    let all: SelectedSnapshot[] = [];
    return {
      load: async (pid, c) => select(all.filter((s) => s.metadata.persistenceId === pid && matches(c, s.metadata))),
      save: async (metadata, snapshot) => {
        all = all.filter(
          (s) => s.metadata.persistenceId !== metadata.persistenceId || s.metadata.sequenceNr !== metadata.sequenceNr,
        );
        all.push({ metadata, snapshot });
      },
      delete: async (m) => {
        all = all.filter(
          (s) =>
            s.metadata.persistenceId !== m.persistenceId ||
            s.metadata.sequenceNr !== m.sequenceNr ||
            (m.timestamp !== 0 && s.metadata.timestamp !== m.timestamp),
        );
      },
      deleteMatching: async (pid, c) => {
        all = all.filter((s) => s.metadata.persistenceId !== pid || !matches(c, s.metadata));
      },
    };
  };
}

const bySeq = (a: SelectedSnapshot, b: SelectedSnapshot) => a.metadata.sequenceNr - b.metadata.sequenceNr;

function mapLoaded(map: (s: SelectedSnapshot) => SelectedSnapshot): (inner: SnapshotStore) => SnapshotStore {
  return (inner) =>
    override(inner, {
      load: async (pid, c) => {
        const loaded = await inner.load(pid, c);
        return loaded === undefined ? undefined : map(loaded);
      },
    });
}

function mapSaved(map: (s: SerializedValue) => SerializedValue): (inner: SnapshotStore) => SnapshotStore {
  return (inner) => override(inner, { save: (metadata, snapshot) => inner.save(metadata, map(snapshot)) });
}

function mapText(map: (text: string) => string): (s: SerializedValue) => SerializedValue {
  return (s) => (typeof s.payload === 'string' ? { ...s, payload: map(s.payload) } : s);
}

function mapIds(map: (pid: string) => string): (inner: SnapshotStore) => SnapshotStore {
  return (inner) =>
    override(inner, {
      load: async (pid, c) => inner.load(map(pid), c),
      save: (m, s) => inner.save({ ...m, persistenceId: map(m.persistenceId) }, s),
      delete: (m) => inner.delete({ ...m, persistenceId: map(m.persistenceId) }),
      deleteMatching: (pid, c) => inner.deleteMatching(map(pid), c),
    });
}

/** A store that looks ids up with SQL LIKE, or with a prefix match when `prefix`. */
function patternIds(prefix: boolean): (inner: SnapshotStore) => SnapshotStore {
  return (inner) => {
    const known = new Set<string>();
    const matching = (pattern: string) => {
      const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      const regex = prefix ? null : new RegExp(`^${body.join('')}$`, 's');
      return [...known].filter((pid) => (regex === null ? pid.startsWith(pattern) : regex.test(pid)));
    };
    return override(inner, {
      save: async (m, s) => {
        known.add(m.persistenceId);
        return inner.save(m, s);
      },
      load: async (pid, c) => {
        const found = await Promise.all(matching(pid).map((other) => inner.load(other, c)));
        return found.filter((s): s is SelectedSnapshot => s !== undefined).sort(bySeq).at(-1);
      },
      deleteMatching: async (pid, c) => {
        for (const other of matching(pid)) await inner.deleteMatching(other, c);
      },
    });
  };
}

const finiteOrZero = (n: number) => (Number.isFinite(n) ? n : 0);
const exactly = (sequenceNr: number) =>
  SnapshotSelectionCriteria.of({ minSequenceNr: sequenceNr, maxSequenceNr: sequenceNr });

type Criteria = SnapshotSelectionCriteria;

function changeLoadCriteria(change: (c: Criteria) => Criteria): (inner: SnapshotStore) => SnapshotStore {
  return (j) => override(j, { load: (p, c) => j.load(p, change(c)) });
}

function changeDeleteCriteria(change: (c: Criteria) => Criteria): (inner: SnapshotStore) => SnapshotStore {
  return (j) => override(j, { deleteMatching: (p, c) => j.deleteMatching(p, change(c)) });
}

function mapLoadedValue(map: (v: SerializedValue) => SerializedValue): (inner: SnapshotStore) => SnapshotStore {
  return mapLoaded((s) => ({ ...s, snapshot: map(s.snapshot) }));
}

const byTimestamp = (a: SelectedSnapshot, b: SelectedSnapshot) => a.metadata.timestamp - b.metadata.timestamp;
const infinityAsZero = (c: Criteria): Criteria => ({
  ...c,
  maxSequenceNr: finiteOrZero(c.maxSequenceNr),
  maxTimestamp: finiteOrZero(c.maxTimestamp),
});

export const snapshotMutants: readonly SnapshotStoreMutant[] = [
  wrapped('load finding nothing returns null', (j) =>
    override(j, { load: async (p, c) => (await j.load(p, c)) ?? (null as never) }),
  ),
  wrapped('load returns the oldest match', listStore((m) => m.sort(bySeq)[0])),
  wrapped('load picks the latest timestamp, not the highest sequence nr', listStore((m) => m.sort(byTimestamp).at(-1))),
  wrapped(
    'load ignores maxTimestamp',
    listStore(
      (m) => m.sort(bySeq).at(-1),
      (c, m) => SnapshotSelectionCriteria.matches({ ...c, maxTimestamp: Infinity }, m),
    ),
  ),
  wrapped('load ignores maxSequenceNr', changeLoadCriteria((c) => ({ ...c, maxSequenceNr: Infinity }))),
  wrapped('load ignores the minimum bounds', changeLoadCriteria((c) => ({ ...c, minSequenceNr: 0, minTimestamp: 0 }))),
  wrapped('Infinity bounds are stored as 0', (j) =>
    changeDeleteCriteria(infinityAsZero)(changeLoadCriteria(infinityAsZero)(j)),
  ),
  wrapped('delete ignores the timestamp', (j) => override(j, { delete: (m) => j.delete({ ...m, timestamp: 0 }) })),
  wrapped('delete with timestamp 0 deletes nothing', (j) =>
    override(j, { delete: async (m) => (m.timestamp === 0 ? undefined : j.delete(m)) }),
  ),
  wrapped('delete removes every snapshot up to the sequence nr', (j) =>
    override(j, {
      delete: (m) => j.deleteMatching(m.persistenceId, SnapshotSelectionCriteria.of({ maxSequenceNr: m.sequenceNr })),
    }),
  ),
  wrapped('delete of a missing snapshot throws', (j) =>
    override(j, {
      delete: async (m) => {
        const found = await j.load(m.persistenceId, exactly(m.sequenceNr));
        if (found === undefined) throw new Error(`no snapshot ${m.persistenceId}@${m.sequenceNr}`);
        return j.delete(m);
      },
    }),
  ),
  wrapped('deleteMatching ignores the timestamp', changeDeleteCriteria((c) => ({ ...c, maxTimestamp: Infinity }))),
  wrapped(
    'deleteMatching ignores the minimum bounds',
    changeDeleteCriteria((c) => ({ ...c, minSequenceNr: 0, minTimestamp: 0 })),
  ),
  wrapped('save keeps the first snapshot of a sequence nr', (j) =>
    override(j, {
      save: async (m, s) => {
        if ((await j.load(m.persistenceId, exactly(m.sequenceNr))) === undefined) await j.save(m, s);
      },
    }),
  ),
  wrapped('an empty persistenceId is accepted', (j) =>
    override(j, { save: async (m, s) => (m.persistenceId === '' ? undefined : j.save(m, s)) }),
  ),
  wrapped(
    'timestamps keep whole seconds only',
    mapLoaded((s) => ({ ...s, metadata: { ...s.metadata, timestamp: Math.floor(s.metadata.timestamp / 1000) * 1000 } })),
  ),
  wrapped('manifest is not stored', mapLoadedValue((v) => ({ ...v, manifest: 'TckSnapshot' }))),
  wrapped(
    'bytes come back as latin1 text',
    mapLoadedValue((v) => (typeof v.payload === 'string' ? v : { ...v, payload: String.fromCharCode(...v.payload) })),
  ),
  wrapped(
    'bytes are stored with their whole backing buffer',
    mapSaved((v) => (typeof v.payload === 'string' ? v : { ...v, payload: new Uint8Array(v.payload.buffer) })),
  ),
  wrapped(
    'numeric text comes back as a number',
    mapLoadedValue((v) =>
      typeof v.payload === 'string' && /^\d+$/.test(v.payload) ? { ...v, payload: Number(v.payload) as never } : v,
    ),
  ),
  wrapped('NUL characters are stripped', mapSaved(mapText((t) => t.replaceAll('\u0000', '')))),
  wrapped('text is truncated at 8000 characters', mapSaved(mapText((t) => t.slice(0, 8000)))),
  wrapped('ids are matched with LIKE', patternIds(false)),
  wrapped('ids are matched by prefix', patternIds(true)),
  wrapped('ids are compared case-insensitively', mapIds((p) => p.toLowerCase())),
  wrapped('trailing spaces of ids are trimmed', mapIds((p) => p.trimEnd())),
  wrapped('ids are truncated to 255 characters', mapIds((p) => p.slice(0, 255))),
  wrapped('a second close() throws', (j) => {
    let closed = false;
    return override(j, {
      close: async () => {
        if (closed) throw new Error('already closed');
        closed = true;
      },
    });
  }),
  wrapped('close() does nothing', (j) => override(j, { close: async () => {} })),
  {
    name: 'reopen loses everything',
    setup: () => {
      const storage = new MemorySnapshotStore();
      return {
        create: async () => new SnapshotStoreHandle(storage),
        reopen: async () => new SnapshotStoreHandle(new MemorySnapshotStore()),
      };
    },
  },
  {
    name: 'instances do not share storage',
    setup: () => ({
      create: async () => new SnapshotStoreHandle(new MemorySnapshotStore()),
      reopen: async (old) => new SnapshotStoreHandle((old as SnapshotStoreHandle).storage),
    }),
  },
];
