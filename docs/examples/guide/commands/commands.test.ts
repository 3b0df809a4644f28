import { describe, expect, it } from 'vitest';
import { Effect, EventHandlerFailed, eventSourced } from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { cart, type Cart, type CartCommand, type CartEvent } from './cart.js';
import { shopping } from './shopping.js';

describe('commands, events and state (docs/guide/02-commands-events-state.md) run as written', () => {
  it('shopping: atomic writes, none, stash and unstash, tags', async () => {
    const lines: string[] = [];
    await shopping((line) => lines.push(line));
    expect(lines).toEqual([
      'while paying: paying [apple, pear]',
      'after the payment: checkedOut [apple, pear]',
      'tagged checkout: Cart|alice #4 CheckedOut',
    ]);
  });

  it('an unhandled command is logged at debug level and changes nothing; close stops the cart', async () => {
    const kit = ActorTestKit.create();
    try {
      const alice = kit.spawn(cart('alice'), 'cart-alice');
      const states = kit.createTestProbe<Cart>();
      alice.tell({ type: 'startPayment' }); // an empty cart cannot be paid
      alice.tell({ type: 'get', replyTo: states.ref });
      expect(await states.receiveMessage()).toEqual({ items: [], status: 'open', checkedOutAt: null });
      expect(kit.logs.find('unhandled command', 'debug').map((entry) => entry.fields['command'])).toEqual(['startPayment']);

      alice.tell({ type: 'close' }); // only a checked-out cart closes
      alice.tell({ type: 'add', items: ['apple'] });
      alice.tell({ type: 'startPayment' });
      alice.tell({ type: 'paymentConfirmed' });
      alice.tell({ type: 'close' });
      await kit.createTestProbe().expectTerminated(alice);
    } finally {
      await kit.shutdown();
    }
  });

  it('the time of the checkout is decided once, in the command handler, and recovered as it was stored', async () => {
    const kit = ActorTestKit.create();
    try {
      const checkedOutAt = kit.clock.now();
      const first = kit.spawn(cart('bob'));
      for (const command of [{ type: 'add', items: ['fig'] }, { type: 'startPayment' }, { type: 'paymentConfirmed' }, { type: 'close' }] as const) {
        first.tell(command);
      }
      await kit.createTestProbe().expectTerminated(first);
      await kit.advance(60_000);
      const states = kit.createTestProbe<Cart>();
      kit.spawn(cart('bob')).tell({ type: 'get', replyTo: states.ref }); // recovers from the journal
      expect(await states.receiveMessage()).toEqual({ items: ['fig'], status: 'checkedOut', checkedOutAt });
    } finally {
      await kit.shutdown();
    }
  });

  it('in development, states and events are frozen: an event handler that changes them fails at once', async () => {
    // What `items: [...cart.items, event.item]` in cart.ts avoids.
    const changesItsState = eventSourced<CartCommand, CartEvent, { readonly items: string[] }>({
      persistenceId: 'Cart|sloppy',
      emptyState: { items: [] },
      commandHandler: (_state, command) => (command.type === 'add' ? Effect.persist({ type: 'ItemAdded', item: command.items[0]! }) : Effect.none()),
      eventHandler: (state, event) => {
        if (event.type === 'ItemAdded') state.items.push(event.item);
        return state;
      },
    });
    const kit = ActorTestKit.create(); // freezeState is on unless NODE_ENV is 'production'
    try {
      const sloppy = kit.spawn(changesItsState);
      sloppy.tell({ type: 'add', items: ['apple'] });
      const { failure } = await kit.createTestProbe().expectTerminated(sloppy);
      expect(failure).toBeInstanceOf(EventHandlerFailed);
      expect(failure?.message).toBe(
        'the event handler threw on event ItemAdded (sequence nr 1) of persistenceId "Cart|sloppy" before it was stored: ' +
          'Cannot add property 0, object is not extensible; it changed the state or event it was given, which are frozen ' +
          'in development (persistence.freezeState, on unless NODE_ENV is production): return a new state instead, ' +
          'e.g. { ...state, items: [...state.items, item] }',
      );
    } finally {
      await kit.shutdown();
    }
  });
});
