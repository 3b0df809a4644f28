import { ActorSystem, ask } from '@engram/core';
import { SqliteJournal } from '@engram/sqlite';
import { cartV1 } from './cartV1.js';
import { cartV2 } from './cartV2.js';

/** Last year's code writes a cart; this year's code, on the same file, reads it and goes on. */
export async function upgrade(path: string, print: (line: string) => void = console.log): Promise<void> {
  const lastYear = ActorSystem.create('shop', { persistence: { journal: new SqliteJournal({ path }) } });
  const before = lastYear.spawn(cartV1('alice'), 'cart-alice');
  before.tell({ type: 'add', item: 'apple' });
  before.tell({ type: 'applyCoupon', code: 'WELCOME' });
  print(`version 1: ${JSON.stringify(await ask(before, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 }))}`);
  await lastYear.terminate();

  const thisYear = ActorSystem.create('shop', { persistence: { journal: new SqliteJournal({ path }) } });
  const after = thisYear.spawn(cartV2('alice'), 'cart-alice');
  print(`version 2 recovered: ${JSON.stringify(await ask(after, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 }))}`);
  after.tell({ type: 'add', item: 'pear', quantity: 3 });
  print(`version 2: ${JSON.stringify(await ask(after, (replyTo) => ({ type: 'get', replyTo }), { timeoutMs: 3000 }))}`);
  await thisYear.terminate();
}
