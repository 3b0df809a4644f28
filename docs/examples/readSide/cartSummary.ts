import { ActorSystem, ask, PersistenceQuery, Projection, runProjection, SourceProvider, type RunningProjection } from '@engram/core';
import { SqliteJournal, SqliteOffsetStore } from '@engram/sqlite';
import Database from 'better-sqlite3';
import { cart, type CartEvent } from './shop.js';

export async function cartSummary(path: string): Promise<unknown[]> {
  const system = ActorSystem.create('shop', { persistence: { journal: new SqliteJournal({ path }) } });
  for (const [id, items] of [['alice', ['apple', 'pear']], ['bob', ['fig']]] as const) {
    const ref = system.spawn(cart(id), `cart-${id}`);
    for (const item of items) await ask(ref, (replyTo) => ({ type: 'add', item, replyTo }), { timeoutMs: 3000 });
  }

  // The read model: a table in the same SQLite file.
  const db = new Database(path);
  db.exec('CREATE TABLE IF NOT EXISTS cart_summary (cart TEXT PRIMARY KEY, items INTEGER NOT NULL)');

  // The offset store is in the same file too, so the handler's writes and the offset commit in one
  // transaction: each event is counted exactly once, also across crashes.
  const offsetStore = new SqliteOffsetStore({ path });
  let upsert: Database.Statement | undefined;
  const projection = Projection.exactlyOnce<CartEvent, Database.Database>({
    name: 'cart-summary',
    source: SourceProvider.eventsByTag(PersistenceQuery.get(system).readJournal<CartEvent>(), 'cart'),
    offsetStore,
    // `tx` is the offset store's connection, inside the transaction (synchronous on SQLite).
    handler: (envelope, tx) => {
      if (envelope.event.type !== 'ItemAdded') return;
      upsert ??= tx.prepare('INSERT INTO cart_summary (cart, items) VALUES (?, 1) ON CONFLICT (cart) DO UPDATE SET items = items + 1');
      upsert.run(envelope.persistenceId);
    },
    rebuild: (tx) => void tx.prepare('DELETE FROM cart_summary').run(),
  });
  const running = runProjection(system, projection);

  await caughtUp(running, 5000);
  const rows = db.prepare('SELECT cart, items FROM cart_summary ORDER BY cart').all();
  await system.terminate(); // stops the projection, then closes the journal
  await offsetStore.close();
  db.close();
  return rows;
}

/** Waits (up to `timeoutMs`) until the projection has handled everything committed. */
async function caughtUp(running: RunningProjection, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await running.status(); // { state: 'running', offset: 'sqlite:3', lagEvents: 0, lagMs: 0, ... }
    if (status.state === 'running' && status.lagEvents === 0 && status.offset !== undefined) return;
    if (Date.now() > deadline) throw new Error(`the projection did not catch up: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
