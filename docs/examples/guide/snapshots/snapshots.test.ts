import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Persistence, Recovery, SnapshotSelectionCriteria, type RecoveryOptions } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { SqliteJournal, SqliteReadJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { stock } from './stock.js';
import { warehouse } from './warehouse.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-guide-snapshots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('snapshots and retention (docs/guide/04-snapshots.md) run as written', () => {
  it('warehouse: recovery reads the latest snapshot and only the events after it', async () => {
    const path = join(dir, 'warehouse.db');
    const lines: string[] = [];
    await warehouse(path, (line) => lines.push(line));
    expect(lines).toEqual([
      'recovered Stock|bolt from the snapshot at 0 and 0 events',
      'on hand: 350',
      'recovered Stock|bolt from the snapshot at 300 and 50 events',
      'on hand: 340',
      'recovered Stock|bolt from the snapshot at 351 and 0 events',
      'on hand: 340',
    ]);

    // What is left in the file: the events after 100 (2 retention snapshots back), and the
    // snapshots at 200 and 300 (retention keeps 2) and 351 (snapshotWhen; it deletes nothing).
    const readJournal = new SqliteReadJournal({ path });
    const sequenceNrs: number[] = [];
    for await (const envelope of readJournal.currentEventsByPersistenceId('Stock|bolt')) sequenceNrs.push(envelope.sequenceNr);
    await readJournal.close();
    expect([sequenceNrs[0], sequenceNrs.at(-1), sequenceNrs.length]).toEqual([101, 351, 251]);

    const snapshots = new SqliteSnapshotStore({ path });
    const youngestUpTo = async (maxSequenceNr: number) =>
      (await snapshots.load('Stock|bolt', SnapshotSelectionCriteria.of({ maxSequenceNr })))?.metadata.sequenceNr;
    expect([await youngestUpTo(Infinity), await youngestUpTo(350), await youngestUpTo(299), await youngestUpTo(199)]).toEqual([
      351, 300, 200, undefined,
    ]);
    await snapshots.close();
  });

  it('recovery settings: without snapshots, up to a sequence nr, or not at all', async () => {
    const path = join(dir, 'recovery.db');
    await warehouse(path, () => {});
    const kit = ActorTestKit.create({ config: { persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) } } });
    try {
      const recoveries: string[] = [];
      Persistence.get(kit.system).inspect((event) => {
        if (event.type === 'RecoveryCompleted') recoveries.push(`snapshot ${event.fromSnapshot}, ${event.eventsReplayed} events`);
      });
      const onHand = async (recovery: Recovery | RecoveryOptions, name: string) => {
        const replies = kit.createTestProbe<number>();
        kit.spawn(stock('bolt', recovery), name).tell({ type: 'get', replyTo: replies.ref });
        return replies.receiveMessage();
      };
      // Events 1 to 100 were deleted: without snapshots, the replay starts at 101 and misses them.
      expect(await onHand({ fromSnapshot: SnapshotSelectionCriteria.none(), toSequenceNr: 350 }, 'replayed')).toBe(250);
      expect(recoveries).toEqual(['snapshot 0, 250 events']);
    } finally {
      await kit.shutdown();
    }
  });

  it('Recovery.none(): the empty state, and the next event after the highest stored', async () => {
    const path = join(dir, 'none.db');
    await warehouse(path, () => {});
    const journal = new SqliteJournal({ path });
    const kit = ActorTestKit.create({ config: { persistence: { journal, snapshotStore: new SqliteSnapshotStore({ path }) } } });
    try {
      const replies = kit.createTestProbe<number>();
      const fresh = kit.spawn(stock('bolt', Recovery.none()));
      fresh.tell({ type: 'receive', quantity: 1 });
      fresh.tell({ type: 'get', replyTo: replies.ref });
      await replies.expectMessage(1);
      expect(await journal.readHighestSequenceNr('Stock|bolt', 0)).toBe(352);
    } finally {
      await kit.shutdown();
    }
  });
});
