import Database from 'better-sqlite3';
import type { RawStore } from './naive.js';
import type { BenchEvent } from './workload.js';

/** One candidate table layout with its connection settings. */
export interface Candidate {
  /** `rowid`: events clustered by global ordering, with a (stream, seq) index beside them;
   *  `stream`: events clustered by (stream, seq) in a WITHOUT ROWID table, with an ordering index;
   *  `tiered`: events clustered by ordering, (stream, seq) -> ordering in a small `recent` index table
   *  that is merged into the big one every `mergeEvery` events, so a commit dirties few index pages. */
  readonly mergeEvery?: number;
  /** `tiered` only: the recent index row is added by an AFTER INSERT trigger, not a second statement. */
  readonly byTrigger?: boolean;
  /** Reads and advances the highest seq nr of all streams of a call in one statement each (json_each). */
  readonly batchedStreams?: boolean;
  readonly clustered: 'rowid' | 'stream' | 'tiered';
  readonly pageSize: number;
  readonly cacheMiB: number;
  readonly mmapMiB: number;
  readonly walAutocheckpoint: number;
  /** Events per INSERT statement (multi-row VALUES). */
  readonly rowsPerInsert: number;
}

const LAYOUTS = {
  rowid: 'ordering rowid + (stream,seq) index',
  stream: '(stream,seq) WITHOUT ROWID + ordering index',
  tiered: 'ordering rowid + recent/merged (stream,seq) index tables',
} as const;

export function describe(c: Candidate): string {
  return `${LAYOUTS[c.clustered]}${c.clustered === 'tiered' ? ` (merge every ${c.mergeEvery ?? 0}${c.byTrigger === true ? ', by trigger' : ''}${c.batchedStreams === true ? ', streams in 2 statements' : ''})` : ''}` +
    `, page ${c.pageSize / 1024}K, cache ${c.cacheMiB}M, mmap ${c.mmapMiB}M, ckpt ${c.walAutocheckpoint}, ${c.rowsPerInsert} rows/INSERT`;
}

const COLUMNS = 'stream_id, seq_nr, ordering, writer_uuid, timestamp, serializer_id, manifest, payload, tags';

export function openCandidate(path: string, c: Candidate): RawStore {
  const db = new Database(path);
  db.pragma(`page_size = ${c.pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = ${-c.cacheMiB * 1024}`);
  db.pragma(`mmap_size = ${c.mmapMiB * 1024 * 1024}`);
  db.pragma(`wal_autocheckpoint = ${c.walAutocheckpoint}`);
  db.exec(`
    CREATE TABLE IF NOT EXISTS streams (id INTEGER PRIMARY KEY, persistence_id TEXT NOT NULL UNIQUE,
      highest_seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT OR IGNORE INTO counters VALUES ('ordering', 0);`);
  const rest = 'writer_uuid TEXT NOT NULL, timestamp INTEGER NOT NULL, serializer_id INTEGER NOT NULL, ' +
    'manifest TEXT NOT NULL, payload BLOB NOT NULL, tags TEXT';
  if (c.clustered === 'rowid') {
    db.exec(`CREATE TABLE IF NOT EXISTS events (ordering INTEGER PRIMARY KEY, stream_id INTEGER NOT NULL,
      seq_nr INTEGER NOT NULL, ${rest}, UNIQUE (stream_id, seq_nr))`);
  } else if (c.clustered === 'tiered') {
    db.exec(`CREATE TABLE IF NOT EXISTS events (ordering INTEGER PRIMARY KEY, stream_id INTEGER NOT NULL,
      seq_nr INTEGER NOT NULL, ${rest});
      CREATE TABLE IF NOT EXISTS event_index (stream_id INTEGER NOT NULL, seq_nr INTEGER NOT NULL,
        ordering INTEGER NOT NULL, PRIMARY KEY (stream_id, seq_nr)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS event_index_recent (stream_id INTEGER NOT NULL, seq_nr INTEGER NOT NULL,
        ordering INTEGER NOT NULL, PRIMARY KEY (stream_id, seq_nr)) WITHOUT ROWID;
      INSERT OR IGNORE INTO counters VALUES ('merged', 0);`);
    if (c.byTrigger === true) {
      db.exec(`CREATE TRIGGER IF NOT EXISTS events_recent AFTER INSERT ON events BEGIN
        INSERT INTO event_index_recent VALUES (NEW.stream_id, NEW.seq_nr, NEW.ordering); END;`);
    }
  } else {
    db.exec(`CREATE TABLE IF NOT EXISTS events (stream_id INTEGER NOT NULL, seq_nr INTEGER NOT NULL,
      ordering INTEGER NOT NULL, ${rest}, PRIMARY KEY (stream_id, seq_nr)) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS events_ordering ON events (ordering);`);
  }
  const placeholders = (n: number) => Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const insertMany = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES ${placeholders(c.rowsPerInsert)}`);
  const insertOne = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES ${placeholders(1)}`);
  const findStream = db.prepare('SELECT id FROM streams WHERE persistence_id = ?').pluck(true);
  const addStream = db.prepare('INSERT INTO streams (persistence_id, highest_seq) VALUES (?, 0)');
  const advance = db.prepare('UPDATE streams SET highest_seq = ? WHERE id = ? AND highest_seq < ?');
  const readCounter = db.prepare("SELECT value FROM counters WHERE name = 'ordering'").pluck(true);
  const writeCounter = db.prepare("UPDATE counters SET value = ? WHERE name = 'ordering'");
  const tiered = c.clustered === 'tiered';
  const selectFrom = (index: string) =>
    db
      .prepare(`SELECT e.seq_nr, e.writer_uuid, e.timestamp, e.serializer_id, e.manifest, e.payload, e.tags
        FROM ${index} i JOIN events e ON e.ordering = i.ordering
        WHERE i.stream_id = ? AND i.seq_nr >= ? ORDER BY i.seq_nr LIMIT ?`)
      .raw(true);
  const select = tiered
    ? selectFrom('event_index')
    : db
        .prepare(`SELECT seq_nr, writer_uuid, timestamp, serializer_id, manifest, payload, tags FROM events
          WHERE stream_id = ? AND seq_nr >= ? ORDER BY seq_nr LIMIT ?`)
        .raw(true);
  const selectRecent = tiered ? selectFrom('event_index_recent') : select;
  const addRecent = tiered && c.byTrigger !== true ? db.prepare('INSERT INTO event_index_recent VALUES (?, ?, ?)') : undefined;
  const readMerged = db.prepare("SELECT value FROM counters WHERE name = 'merged'").pluck(true);
  const writeMerged = db.prepare("UPDATE counters SET value = ? WHERE name = 'merged'");
  const mergeRecent = () => {
    db.exec('INSERT INTO event_index SELECT * FROM event_index_recent; DELETE FROM event_index_recent;');
  };
  const readPage = db.transaction((id: number, fromSeq: number, limit: number): unknown[][] => {
    const rows = select.all(id, fromSeq, limit) as unknown[][];
    if (!tiered || rows.length === limit) return rows;
    const next = rows.length === 0 ? fromSeq : (rows[rows.length - 1]![0] as number) + 1;
    return rows.concat(selectRecent.all(id, next, limit - rows.length) as unknown[][]);
  });
  const streamIds = new Map<string, number>();
  const streamId = (pid: string): number => {
    const known = streamIds.get(pid) ?? (findStream.get(pid) as number | undefined);
    if (known !== undefined) {
      streamIds.set(pid, known);
      return known;
    }
    const id = Number(addStream.run(pid).lastInsertRowid);
    streamIds.set(pid, id);
    return id;
  };
  const readHighest = db
    .prepare('SELECT s.id, s.highest_seq FROM json_each(?) j JOIN streams s ON s.id = j.value')
    .raw(true);
  const advanceAll = db.prepare(
    "UPDATE streams SET highest_seq = u.value ->> '$[1]' FROM json_each(?) u WHERE streams.id = u.value ->> '$[0]'",
  );
  const write = db.transaction((events: readonly BenchEvent[]) => {
    let ordering = readCounter.get() as number;
    const params: unknown[] = [];
    const ids = c.batchedStreams === true ? events.map((e) => streamId(e.persistenceId)) : [];
    if (c.batchedStreams === true) {
      const highest = new Map(readHighest.all(JSON.stringify(ids)) as [number, number][]);
      events.forEach((e, i) => {
        if ((highest.get(ids[i]!) ?? 0) >= e.sequenceNr) throw new Error(`conflict ${e.persistenceId}`);
      });
      advanceAll.run(JSON.stringify(events.map((e, i) => [ids[i], e.sequenceNr])));
    }
    for (const [i, e] of events.entries()) {
      const id = c.batchedStreams === true ? ids[i]! : streamId(e.persistenceId);
      if (c.batchedStreams !== true && advance.run(e.sequenceNr, id, e.sequenceNr).changes !== 1) {
        throw new Error(`conflict ${e.persistenceId}`);
      }
      params.push(id, e.sequenceNr, ++ordering, e.writerUuid, e.timestamp, 1, e.manifest, e.payload,
        e.tags.length === 0 ? null : JSON.stringify(e.tags));
      addRecent?.run(id, e.sequenceNr, ordering);
      if (params.length === 9 * c.rowsPerInsert) {
        insertMany.run(params);
        params.length = 0;
      }
    }
    for (let i = 0; i < params.length; i += 9) insertOne.run(params.slice(i, i + 9));
    writeCounter.run(ordering);
    if (tiered && ordering - (readMerged.get() as number) >= (c.mergeEvery ?? 0)) {
      mergeRecent();
      writeMerged.run(ordering);
    }
  });
  return {
    name: describe(c),
    db,
    write: (events) => write.immediate(events),
    page: (pid, fromSeq, limit) => {
      const id = streamId(pid);
      return readPage(id, fromSeq, limit);
    },
    payloadIndex: 5,
    seqIndex: 0,
  };
}
