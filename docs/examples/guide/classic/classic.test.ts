import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryJournal, persistentActor } from '@engram/core';
import { ActorTestKit, FaultInjectingJournal } from '@engram/core/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { Wallet, type WalletReply } from './Wallet.js';
import { walletRun } from './walletRun.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-guide-classic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the classic PersistentActor (docs/guide/06-classic-persistent-actor.md) runs as written', () => {
  it('walletRun: persist handlers, snapshots, responses and recovery from a SnapshotOffer', async () => {
    const lines: string[] = [];
    await walletRun(join(dir, 'wallets.db'), (line) => lines.push(line));
    const firstRun = lines.slice(0, -4);
    expect(firstRun[0]).toBe('recovery: done at sequence nr 0, balance 0');
    // The replies, in the order of the commands.
    expect(firstRun.filter((line) => /^(balance|refused)/.test(line))).toEqual([
      'balance 10',
      'balance 30',
      'balance 25',
      'refused: insufficient funds',
      'balance 26',
    ]);
    // The responses to saveSnapshot and the deletes come as messages, after the command that asked
    // for them; later commands may be handled in between.
    const at = (line: string) => firstRun.indexOf(line);
    expect(at('snapshot saved at 3')).toBeGreaterThan(at('balance 25'));
    expect(at('snapshots deleted up to 2')).toBeGreaterThan(at('snapshot saved at 3'));
    expect(at('events deleted up to 3')).toBeGreaterThan(at('snapshot saved at 3'));
    expect(firstRun).toHaveLength(9);
    // After the restart: the snapshot, the one event after it, then the commands that waited.
    expect(lines.slice(-4)).toEqual([
      'recovery: snapshot at 3, balance 25',
      'recovery: event 4 Deposited 1',
      'recovery: done at sequence nr 4, balance 26',
      'balance 26',
    ]);
  });

  it('a rejected event and a failing journal answer the waiting caller', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = ActorTestKit.create({ config: { persistence: { journal } } });
    try {
      const wallet = kit.spawn(persistentActor(() => new Wallet('bob', () => {})));
      const replies = kit.createTestProbe<WalletReply>();
      wallet.tell({ type: 'deposit', amount: 10, replyTo: replies.ref });
      await replies.expectMessage({ ok: true, balance: 10 });
      journal.rejectWrite();
      wallet.tell({ type: 'deposit', amount: 5, replyTo: replies.ref });
      const refused = await replies.receiveMessage();
      expect(refused.ok ? 'stored' : refused.reason).toMatch(/^not stored: event Deposited \(sequence nr 2\) of persistenceId "Wallet\|bob" was rejected/);
      wallet.tell({ type: 'balance', replyTo: replies.ref });
      await replies.expectMessage({ ok: true, balance: 10 }); // it went on, unchanged

      journal.failWrite();
      wallet.tell({ type: 'deposit', amount: 5, replyTo: replies.ref });
      await replies.expectMessage({ ok: false, reason: 'the store is unavailable, try again later' });
      await kit.createTestProbe().expectTerminated(wallet);
    } finally {
      await kit.shutdown();
    }
  });
});
