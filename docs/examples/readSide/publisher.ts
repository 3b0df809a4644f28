import { ActorSystem, ask, envelopeId, HandlerRecovery, PersistenceQuery, Projection, runProjection, SourceProvider } from '@engram/core';
import { SqliteJournal, SqliteOffsetStore } from '@engram/sqlite';
import { cart, type CartEvent } from './shop.js';

/** Stands for an external store (a search index, a broker) that upserts documents by id. */
export interface SearchIndex {
  upsert(id: string, document: object): Promise<void>;
}

export async function publishCarts(path: string, index: SearchIndex): Promise<void> {
  const system = ActorSystem.create('shop', { persistence: { journal: new SqliteJournal({ path }) } });
  const alice = system.spawn(cart('alice'), 'cart-alice');
  await ask(alice, (replyTo) => ({ type: 'add', item: 'apple', replyTo }), { timeoutMs: 3000 });
  await ask(alice, (replyTo) => ({ type: 'checkOut', replyTo }), { timeoutMs: 3000 });

  const offsetStore = new SqliteOffsetStore({ path });
  const running = runProjection(
    system,
    Projection.atLeastOnce<CartEvent>({
      name: 'cart-search',
      source: SourceProvider.eventsByTag(PersistenceQuery.get(system).readJournal<CartEvent>(), 'cart'),
      offsetStore,
      // After a crash, the envelopes since the last stored offset come again: the stable id
      // (`Cart|alice:2`) makes the second write of one event a no-op.
      handler: (envelope) => index.upsert(envelopeId(envelope), { cart: envelope.persistenceId, ...envelope.event }),
      saveOffsetAfterEnvelopes: 100,
      saveOffsetAfterMs: 1000,
      // A failing index is retried 5 times, 200 ms apart; then the run fails and restarts with backoff.
      recovery: HandlerRecovery.retryAndFail(5, 200),
    }),
  );
  const deadline = Date.now() + 5000;
  while ((await running.status()).lagEvents !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await running.stop(); // stores the offset of what was handled
  await system.terminate();
  await offsetStore.close();
}
