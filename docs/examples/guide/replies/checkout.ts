import { ActorSystem, ask, AskTimeout, MemoryJournal, RecipientTerminated } from '@engram/core';
import { cart, type CartReply } from './cart.js';

const show = (reply: CartReply) => (reply.ok ? `ok [${reply.items.join(', ')}]` : `refused: ${reply.error}`);

export async function checkout(print: (line: string) => void = console.log): Promise<void> {
  // A journal that refuses events over 200 bytes, as every store refuses events over its limit.
  const journal = new MemoryJournal({ maxPayloadBytes: 200 });
  const system = ActorSystem.create('shop', { persistence: { journal }, logLevel: 'error' });
  const timeout = { timeoutMs: 3000 };
  const alice = system.spawn(cart('alice'), 'cart-alice');

  for (const item of ['apple', 'pear', 'x'.repeat(300), 'fig', 'kiwi']) {
    const reply = await ask(alice, (replyTo) => ({ type: 'add', item, replyTo }), timeout); // a Promise<CartReply>
    print(`add ${item.length > 10 ? `${item.slice(0, 3)}...` : item}: ${show(reply)}`);
  }
  print(`checkOut: ${show(await ask(alice, (replyTo) => ({ type: 'checkOut', replyTo }), timeout))}`);

  try {
    await ask(alice, (replyTo) => ({ type: 'checkOut', replyTo }), timeout);
  } catch (error) {
    if (error instanceof RecipientTerminated) print(`checkOut again: ${error.message}`); // at once, not after 3 s
    else if (error instanceof AskTimeout) print(`checkOut again: no answer within ${error.timeoutMs} ms`);
    else throw error;
  }
  const again = system.spawn(cart('alice'), 'cart-alice-again'); // recovers the checked-out cart
  print(`checkOut after a restart: ${show(await ask(again, (replyTo) => ({ type: 'checkOut', replyTo }), timeout))}`);
  await system.terminate();
}
