import { Effect, eventSourced, InvalidArgument, type ActorRef } from '@engram/core';
import { EventSourcedSpecification } from '@engram/core/testkit';
import { describe, expect, it } from 'vitest';
import { cart, type Cart, type CartCommand, type CartEvent } from '../commands/cart.js';
import { cartEvents, cartV2, type CartCommand as CartCommandV2, type CartEvent as CartEventV2 } from '../schema-evolution/cartV2.js';

// Each then* plays the scenario from scratch: given events in the journal, when one command.
const spec = EventSourcedSpecification.for<CartCommand, CartEvent, Cart>(() => cart('alice'));

describe('EventSourcedSpecification: given events, when a command, then ...', () => {
  it('then: the events the command persisted, in order', () =>
    spec
      .givenNothing()
      .when({ type: 'add', items: ['apple', 'pear'] })
      .then([
        { type: 'ItemAdded', item: 'apple' },
        { type: 'ItemAdded', item: 'pear' },
      ]));

  it('thenState: the state after the command, as a value or as a check', async () => {
    const paying = spec.given([{ type: 'ItemAdded', item: 'apple' }]).when({ type: 'startPayment' });
    await paying.thenState({ items: ['apple'], status: 'paying', checkedOutAt: null });
    await paying.thenState((state) => state.status === 'paying');
  });

  it('thenReply: the first reply to the replyTo the command was built around', () =>
    spec
      .given([{ type: 'ItemAdded', item: 'apple' }, { type: 'PaymentStarted' }])
      .when<Cart>((replyTo) => ({ type: 'get', replyTo }))
      .thenReply({ items: ['apple'], status: 'paying', checkedOutAt: null }));

  it('thenNothingPersisted: the command was refused or changed nothing', () =>
    spec.givenNothing().when({ type: 'remove', item: 'fig' }).thenNothingPersisted());

  it('a failed expectation names the scenario, what was expected and what happened', async () => {
    await expect(spec.givenNothing().when({ type: 'startPayment' }).then([{ type: 'PaymentStarted' }])).rejects.toThrow(
      'given nothing, when startPayment: expected the command to persist [ { type: \'PaymentStarted\' } ], but it persisted []',
    );
  });
});

describe('thenThrows: the command made the actor fail', () => {
  type Command = { readonly type: 'add'; readonly by: number; readonly replyTo: ActorRef<number> };
  const strictCounter = () =>
    eventSourced<Command, { readonly type: 'Added'; readonly by: number }, number>({
      persistenceId: 'strict-counter',
      emptyState: 0,
      commandHandler: (_count, command) => {
        if (!(command.by > 0)) throw new InvalidArgument('add by', command.by, 'a positive number');
        return Effect.persist({ type: 'Added', by: command.by }).thenReply(command.replyTo, (count: number) => count);
      },
      eventHandler: (count, event) => count + event.by,
    });
  const counterSpec = EventSourcedSpecification.for(strictCounter, { timeoutMs: 2000 });
  const addZero = counterSpec.givenNothing().when<number>((replyTo) => ({ type: 'add', by: 0, replyTo }));

  it('by error class, by name, by predicate, or any error', async () => {
    await addZero.thenThrows(InvalidArgument);
    await addZero.thenThrows('InvalidArgument');
    await addZero.thenThrows((error) => error.message === 'add by must be a positive number, got 0');
    await addZero.thenThrows();
  });

  it('and the reply of a command that succeeds', () =>
    counterSpec
      .given([{ type: 'Added', by: 2 }])
      .when<number>((replyTo) => ({ type: 'add', by: 3, replyTo }))
      .thenReply(5));
});

describe('options: the behavior’s event adapter', () => {
  it('given events are stored through it, as the actor would have stored them', () =>
    EventSourcedSpecification.for<CartCommandV2, CartEventV2, Readonly<Record<string, number>>>(() => cartV2('alice'), {
      eventAdapter: cartEvents,
    })
      .given([{ type: 'ItemAdded', item: 'pear', quantity: 2 }])
      .when({ type: 'add', item: 'pear', quantity: 1 })
      .thenState({ pear: 3 }));
});
