import { ActorSystem, ask, PersistenceQuery } from '@engram/core';
import { cart, type CartEvent } from './cart.js';

export async function shopping(print: (line: string) => void = console.log): Promise<void> {
  const system = ActorSystem.create('shop'); // no journal configured: events stay in memory
  const alice = system.spawn(cart('alice'), 'cart-alice');
  const show = async (label: string) => {
    const state = await ask(alice, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 });
    print(`${label}: ${state.status} [${state.items.join(', ')}]`);
  };

  alice.tell({ type: 'add', items: ['apple', 'pear'] }); // ItemAdded twice, in one atomic write
  alice.tell({ type: 'remove', item: 'fig' }); // not in the cart: Effect.none()
  alice.tell({ type: 'startPayment' });
  alice.tell({ type: 'add', items: ['fig'] }); // stashed while paying
  await show('while paying');
  alice.tell({ type: 'paymentConfirmed' }); // CheckedOut, then the stashed add: unhandled now
  await show('after the payment');

  const readJournal = PersistenceQuery.get(system).readJournal<CartEvent>();
  for await (const envelope of readJournal.currentEventsByTag('checkout')) {
    print(`tagged checkout: ${envelope.persistenceId} #${envelope.sequenceNr} ${envelope.event.type}`);
  }
  await system.terminate();
}
