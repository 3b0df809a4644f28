import { ActorSystem, ask, Offset, PersistenceQuery } from '@engram/core';
import { SqliteJournal, SqliteReadJournal } from '@engram/sqlite';
import { cart, type CartEvent } from './shop.js';

export async function queryEvents(path: string): Promise<string[]> {
  const system = ActorSystem.create('shop', { persistence: { journal: new SqliteJournal({ path }) } });
  const alice = system.spawn(cart('alice'), 'cart-alice');
  await ask(alice, (replyTo) => ({ type: 'add', item: 'apple', replyTo }), { timeoutMs: 3000 });
  await ask(alice, (replyTo) => ({ type: 'add', item: 'pear', replyTo }), { timeoutMs: 3000 });

  // In the actor system: reads through the system's journal, woken by its writes.
  const readJournal = PersistenceQuery.get(system).readJournal<CartEvent>();
  const seen: string[] = [];
  let last = Offset.start;
  for await (const envelope of readJournal.currentEventsByTag('cart')) {
    seen.push(`${envelope.persistenceId} #${envelope.sequenceNr} ${envelope.event.type}`);
    last = envelope.offset;
  }
  const saved = String(last); // e.g. "sqlite:2": keep it anywhere, as text

  // A live query stays open; this one waits for the next cart event.
  const next = (async () => {
    for await (const envelope of readJournal.eventsByTag('cart', Offset.parse(saved))) return envelope.event.type;
    return 'ended';
  })();
  await ask(alice, (replyTo) => ({ type: 'checkOut', replyTo }), { timeoutMs: 3000 });
  seen.push(`live: ${await next}`);
  await system.terminate();

  // Without an actor system (a CLI, another process): the store's own read journal.
  const standalone = new SqliteReadJournal<CartEvent>({ path });
  for await (const envelope of standalone.currentEventsByPersistenceId('Cart|alice', 3)) {
    seen.push(`standalone: #${envelope.sequenceNr} ${envelope.event.type}`);
  }
  await standalone.close();
  return seen;
}
