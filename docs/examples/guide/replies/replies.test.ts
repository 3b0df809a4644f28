import { ask, AskTimeout, MemoryJournal, RecipientTerminated } from '@engram/core';
import { ActorTestKit, FaultInjectingJournal } from '@engram/core/testkit';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { counter } from '../getting-started/counter.js';
import { HeldJournal } from '../testing/HeldJournal.js';
import { cart, type CartReply } from './cart.js';
import { checkout } from './checkout.js';

describe('replies (docs/guide/03-replies.md) run as written', () => {
  it('checkout: replies after storing, refusals, a rejected event, a stopped recipient', async () => {
    const lines: string[] = [];
    await checkout((line) => lines.push(line));
    expect(lines).toEqual([
      'add apple: ok [apple]',
      'add pear: ok [apple, pear]',
      'add xxx...: refused: not stored: event ItemAdded (sequence nr 3) of persistenceId "Cart|alice" was rejected and not stored: ' +
        'event 3 of persistenceId "Cart|alice" is 330 bytes serialized; this store accepts at most 200 bytes per payload',
      'add fig: ok [apple, pear, fig]',
      'add kiwi: refused: the cart is full (3 items)',
      'checkOut: ok [apple, pear, fig]',
      'checkOut again: ask to engram://shop/user/cart-alice failed: the recipient is not alive (stopped, or never existed), so checkOut went to dead letters',
      'checkOut after a restart: ok [apple, pear, fig]',
    ]);
  });

  it('ask reads the reply type off the target: all its commands answer with one type', async () => {
    const kit = ActorTestKit.create();
    try {
      const alice = kit.spawn(cart('alice'));
      const reply = ask(alice, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 });
      expectTypeOf(reply).toEqualTypeOf<Promise<CartReply>>();
      expect(await reply).toEqual({ ok: true, items: [] });
      const count = ask(kit.spawn(counter('visits')), (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 });
      expectTypeOf(count).toEqualTypeOf<Promise<number>>();
      expect(await count).toBe(0);
    } finally {
      await kit.shutdown();
    }
  });

  it('AskTimeout when no reply comes in time: here the journal holds the write (on the manual clock)', async () => {
    const journal = new HeldJournal(new MemoryJournal());
    const kit = ActorTestKit.create({ config: { persistence: { journal } }, heldWork: () => journal.held });
    try {
      const alice = kit.spawn(cart('alice'), 'cart-alice');
      const outcome = ask(alice, (replyTo) => ({ type: 'add', item: 'apple', replyTo }), { timeoutMs: 3000 }).catch((error: unknown) => error);
      await kit.advance(3000);
      const error = await outcome;
      expect(error).toBeInstanceOf(AskTimeout);
      expect((error as AskTimeout).message).toBe('ask to engram://test/user/cart-alice timed out after 3000 ms waiting for a reply to add');
      // The write was not refused, only slow: once stored, the item is in the cart.
      journal.release();
      await expect(ask(alice, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 })).resolves.toEqual({ ok: true, items: ['apple'] });
    } finally {
      journal.release();
      await kit.shutdown();
    }
  });

  it('onFailure answers at once when the journal fails, before the cart stops', async () => {
    const journal = new FaultInjectingJournal(new MemoryJournal());
    const kit = ActorTestKit.create({ config: { persistence: { journal } } });
    try {
      const alice = kit.spawn(cart('alice'));
      const replies = kit.createTestProbe<CartReply>();
      journal.failWrite();
      alice.tell({ type: 'add', item: 'apple', replyTo: replies.ref });
      await replies.expectMessage({ ok: false, error: 'the store is unavailable, try again later' });
      await kit.createTestProbe().expectTerminated(alice); // a storage failure stops it (no onPersistFailure)
      await expect(ask(alice, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 })).rejects.toBeInstanceOf(RecipientTerminated);
    } finally {
      await kit.shutdown();
    }
  });

  it('the sequence nr of a rejected event is not used again', async () => {
    const journal = new MemoryJournal({ maxPayloadBytes: 200 });
    const kit = ActorTestKit.create({ config: { persistence: { journal } } });
    try {
      const alice = kit.spawn(cart('alice'));
      for (const item of ['apple', 'pear', 'x'.repeat(300), 'fig']) await ask(alice, (replyTo) => ({ type: 'add', item, replyTo }), { timeoutMs: 3000 });
      const stored: string[] = [];
      await journal.replayMessages('Cart|alice', 1, Infinity, Infinity, (repr) => stored.push(`${repr.sequenceNr} ${String(repr.payload)}`));
      expect(stored).toEqual([
        '1 {"type":"ItemAdded","item":"apple"}',
        '2 {"type":"ItemAdded","item":"pear"}',
        '4 {"type":"ItemAdded","item":"fig"}',
      ]);
    } finally {
      await kit.shutdown();
    }
  });

  it('a command that is refused persists nothing', async () => {
    const journal = new MemoryJournal();
    const kit = ActorTestKit.create({ config: { persistence: { journal } } });
    try {
      const alice = kit.spawn(cart('alice'));
      await expect(ask(alice, (replyTo) => ({ type: 'checkOut', replyTo }), { timeoutMs: 3000 })).resolves.toEqual({
        ok: false,
        error: 'the cart is empty',
      });
      expect(await journal.readHighestSequenceNr('Cart|alice', 0)).toBe(0);
    } finally {
      await kit.shutdown();
    }
  });
});
