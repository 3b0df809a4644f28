import { join } from 'node:path';
import { type Candidate, describe, openCandidate } from './candidates.js';
import { allPids, compareReplayMany, compareReplayOne, compareWrites, type Contender, fillOne, rawContender } from './drive.js';
import { openNaive, type RawStore } from './naive.js';
import { intArg, tempDir } from './workload.js';

/**
 * Table-layout experiments for @engram/sqlite: each candidate next to the naive baseline, in the
 * same run, interleaved slice by slice so load from other processes hits all alike.
 *
 *   npm run build && node bench/dist/sqlite/layout.js
 *   IDS=1000 ROUNDS=1000 ONE=1000000 PAGE=1000 ONLY=naive,4,12 node bench/dist/sqlite/layout.js
 */
const tuned = { cacheMiB: 64, mmapMiB: 0, walAutocheckpoint: 10_000, rowsPerInsert: 1 } as const;
const tiered = { clustered: 'tiered', pageSize: 4096, ...tuned, mergeEvery: 50_000 } as const;
const candidates: readonly Candidate[] = [
  { clustered: 'rowid', pageSize: 4096, cacheMiB: 2, mmapMiB: 0, walAutocheckpoint: 1000, rowsPerInsert: 1 },
  { clustered: 'rowid', pageSize: 4096, ...tuned },
  { clustered: 'stream', pageSize: 4096, ...tuned },
  { clustered: 'rowid', pageSize: 1024, ...tuned },
  tiered,
  { ...tiered, mergeEvery: 10_000 },
  { ...tiered, rowsPerInsert: 50 },
  { ...tiered, byTrigger: true },
  { ...tiered, batchedStreams: true },
  { ...tiered, walAutocheckpoint: 1000 },
  { ...tiered, pageSize: 8192 },
  { ...tiered, mmapMiB: 1024 },
  { ...tiered, rowsPerInsert: 32, mmapMiB: 1024 }, // what @engram/sqlite uses
];

const ids = intArg('IDS', 1000);
const rounds = intArg('ROUNDS', 1000);
const one = intArg('ONE', 1_000_000);
const pageSize = intArg('PAGE', 1000);
const only = (process.env['ONLY'] ?? '').split(',').filter((s) => s !== '');
const selected = (key: string) => only.length === 0 || only.includes(key);

const entries: { readonly key: string; readonly label: string; readonly open: (path: string) => RawStore }[] = [
  { key: 'naive', label: 'naive: (pid text, seq)-keyed rowid table, default settings', open: openNaive },
  ...candidates.map((c, i) => ({ key: String(i), label: `#${i}: ${describe(c)}`, open: (path: string) => openCandidate(path, c) })),
].filter((e) => selected(e.key));

console.log(`SQLite layouts: ${ids} ids x ${rounds} rounds; one id with ${one} events; replay pages of ${pageSize}`);
const tmp = tempDir('layout');
const opened: RawStore[] = [];
try {
  const contenders: Contender[] = entries.map((e) => {
    const path = join(tmp.dir, `${e.key}.db`);
    const store = e.open(path);
    opened.push(store);
    return rawContender(e.label, path, store, pageSize);
  });
  await compareWrites(contenders, ids, rounds);
  await compareReplayMany(contenders, allPids(ids));
  const singles: Contender[] = entries.map((e) => {
    const path = join(tmp.dir, `${e.key}-one.db`);
    const store = e.open(path);
    opened.push(store);
    fillOne(store, 'Account|one', one);
    return rawContender(e.label, path, store, pageSize);
  });
  await compareReplayOne(singles, 'Account|one', one);
} finally {
  for (const store of opened) store.db.close();
  tmp.remove();
}
