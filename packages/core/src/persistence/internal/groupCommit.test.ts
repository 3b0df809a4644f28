import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../actor/ActorSystem.js';
import { ask } from '../../actor/ask.js';
import type { ActorRef } from '../../actor/ActorRef.js';
import { MemoryJournal } from '../../memory/MemoryJournal.js';
import type { Journal } from '../../spi/Journal.js';
import { account, type AccountCommand, type AccountReply } from '../fixtures/account.test-support.js';

/** Records how many writes each journal call held. */
function recording(journal: Journal) {
  const calls: number[] = [];
  const wrapped: Journal = {
    writeMessages: (writes) => {
      calls.push(writes.length);
      return journal.writeMessages(writes);
    },
    replayMessages: (...args) => journal.replayMessages(...args),
    readHighestSequenceNr: (...args) => journal.readHighestSequenceNr(...args),
    deleteMessagesTo: (...args) => journal.deleteMessagesTo(...args),
  };
  return { journal: wrapped, calls };
}

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.terminate();
  system = undefined;
});

const deposit = (ref: ActorRef<AccountCommand>, amount: number) =>
  ask<AccountCommand, AccountReply>(ref, (replyTo) => ({ type: 'deposit', amount, replyTo }), { timeoutMs: 5000 });

describe('group commit: when the writes of a drain go to the journal', () => {
  it("a lone actor's event goes to the journal when the drain that persisted it ends, before the event loop turns", async () => {
    const { journal, calls } = recording(new MemoryJournal());
    system = ActorSystem.create('group-commit', { persistence: { journal }, logLevel: 'error' });
    const ref = system.spawn(account('a'), 'a');
    await deposit(ref, 1);
    calls.length = 0;
    let turned = false;
    setImmediate(() => (turned = true));
    const replied = deposit(ref, 1);
    // Microtasks only: the command is handled in a drain and the write must already be on its way.
    for (let i = 0; i < 50 && calls.length === 0; i++) await Promise.resolve();
    expect(calls).toEqual([1]);
    expect(turned).toBe(false);
    await replied;
  });

  it('the writes of every actor that ran in one drain go in one call', async () => {
    const { journal, calls } = recording(new MemoryJournal());
    system = ActorSystem.create('group-commit', { persistence: { journal }, logLevel: 'error' });
    const refs = Array.from({ length: 300 }, (_, i) => system!.spawn(account(`a${i}`), `a${i}`));
    await Promise.all(refs.map((ref) => deposit(ref, 1)));
    calls.length = 0;
    await Promise.all(refs.map((ref) => deposit(ref, 2)));
    // One drain runs all 300, unless the machine is so slow that it yields after its 10 ms slice:
    // each slice's writes then go together.
    expect(calls.reduce((a, b) => a + b, 0)).toBe(300);
    expect(calls.length).toBeLessThanOrEqual(3);
  });

  it('a persist-reply-persist loop on a journal that answers without I/O still lets the event loop turn (real clock)', async () => {
    system = ActorSystem.create('group-commit', { persistence: { journal: new MemoryJournal() }, logLevel: 'error' });
    const ref = system.spawn(account('a'), 'a');
    await deposit(ref, 1);
    let immediateRan = false;
    let timerRan = false;
    setImmediate(() => (immediateRan = true));
    setTimeout(() => (timerRan = true), 1);
    // Without the yield this loop runs in microtasks only and neither callback ever runs: bounded
    // by a count, not a time, so it ends either way.
    let deposits = 0;
    while (!(immediateRan && timerRan) && deposits < 200_000) {
      await deposit(ref, 1);
      deposits++;
    }
    expect({ immediateRan, timerRan }).toEqual({ immediateRan: true, timerRan: true });
    expect(deposits).toBeLessThan(200_000);
  });
});
