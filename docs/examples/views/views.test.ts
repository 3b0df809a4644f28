import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotSelectionCriteria } from '@engram/core';
import { SqliteSnapshotStore } from '@engram/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { runViews } from './runViews.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-docs-views-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the views guide (docs/views.md) runs as written', () => {
  it('a classic view of one account and a settings view of a tag, on SQLite, across a restart', async () => {
    const path = join(dir, 'bank.db');
    const { lines, sums, linesAfterRestart } = await runViews(path);
    expect(lines).toEqual(['#1 Deposited 100', '#2 Withdrawn 30', '#3 Deposited 5']);
    expect(sums).toEqual({ deposited: 155, withdrawn: 30 });
    expect(linesAfterRestart).toEqual(['#1 Deposited 100', '#2 Withdrawn 30', '#3 Deposited 5', '#4 Deposited 1']);
    // The view's snapshot, under its viewId: the lines up to event 3 (its third applied event).
    const snapshots = new SqliteSnapshotStore({ path });
    const stored = await snapshots.load('AccountHistory|alice', SnapshotSelectionCriteria.latest());
    await snapshots.close();
    expect(stored?.metadata.sequenceNr).toBe(3);
  });
});
