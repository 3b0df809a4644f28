import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Effect, EventAdapters, eventSourced, RecoveryFailed } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { SqliteJournal } from '@engram/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { cartV1 } from './cartV1.js';
import { cartV2 } from './cartV2.js';
import { upgrade } from './upgrade.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-guide-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stored(path: string): Promise<string[]> {
  const journal = new SqliteJournal({ path });
  const rows: string[] = [];
  await journal.replayMessages('Cart|alice', 1, Infinity, Infinity, (repr) => rows.push(`${repr.sequenceNr} ${repr.manifest} ${String(repr.payload)}`));
  await journal.close();
  return rows;
}

describe('schema evolution (docs/guide/05-schema-evolution.md) runs as written', () => {
  it('upgrade: version 2 upcasts version 1 events, drops coupons, and writes ItemAdded@2', async () => {
    const path = join(dir, 'upgrade.db');
    const lines: string[] = [];
    await upgrade(path, (line) => lines.push(line));
    expect(lines).toEqual([
      'version 1: ["apple"]',
      'version 2 recovered: {"apple":1}',
      'version 2: {"apple":1,"pear":3}',
    ]);
    // Nothing stored is ever rewritten: the old events stay as they were written.
    expect(await stored(path)).toEqual([
      '1 ItemAdded {"type":"ItemAdded","item":"apple"}',
      '2 CouponApplied {"type":"CouponApplied","code":"WELCOME"}',
      '3 ItemAdded@2 {"type":"ItemAdded","item":"pear","quantity":3}',
    ]);
  });

  it('version 1 code refuses to recover from an event of version 2, and changes nothing', async () => {
    const path = join(dir, 'rollback.db');
    await upgrade(path, () => {});
    const kit = ActorTestKit.create({ config: { persistence: { journal: new SqliteJournal({ path }) } } });
    try {
      const rolledBack = kit.spawn(cartV1('alice'));
      const { failure } = await kit.createTestProbe().expectTerminated(rolledBack);
      expect(failure).toBeInstanceOf(RecoveryFailed);
      expect(failure?.message).toBe(
        'recovery of persistenceId "Cart|alice" failed at event sequence nr 3 (manifest "ItemAdded@2"): ' +
          `unknown manifest "ItemAdded@2": version 2 is newer than this code's version 1 of "ItemAdded"`,
      );
      // Nothing changed: this year's code still recovers the cart.
      const replies = kit.createTestProbe<Readonly<Record<string, number>>>();
      kit.spawn(cartV2('alice')).tell({ type: 'get', replyTo: replies.ref });
      await replies.expectMessage({ apple: 1, pear: 3 });
    } finally {
      await kit.shutdown();
    }
    expect(await stored(path)).toHaveLength(3);
  });

  it('an event type the schema does not declare is rejected when persisted, not stored', async () => {
    const kit = ActorTestKit.create();
    try {
      const rejected: string[] = [];
      const sloppy = eventSourced<{ readonly type: 'go' }, { readonly type: 'Went' }, number>({
        persistenceId: 'sloppy',
        emptyState: 0,
        commandHandler: () => Effect.persist({ type: 'Went' }),
        eventHandler: (n) => n + 1,
        eventAdapter: EventAdapters.versioned<{ readonly type: 'Went' }>({ Came: {} }),
        signalHandler: (_state, signal) => void (signal.type === 'EventRejected' && rejected.push(signal.error.message)),
      });
      kit.spawn(sloppy).tell({ type: 'go' });
      await kit.settle();
      expect(rejected).toEqual([
        'event Went (sequence nr 1) of persistenceId "sloppy" was rejected and not stored: ' +
          'event adapter serializer cannot store this value faithfully: event type "Went" is not declared in the event schema (declared: Came)',
      ]);
    } finally {
      await kit.shutdown();
    }
  });
});
