import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline of the bank-account benchmark: the example's HTTP stack (Hono on @hono/node-server,
 * in its own process) answering the same two routes from a Map, with no Engram, no store and no
 * actors, so the figures show what the stack and the load generator alone reach on this machine.
 * Started by bankAccount.ts with PORT; logs "listening on <url>" like the example.
 */

const balances = new Map<string, number>();
const app = new Hono();

app.post('/accounts', async (c) => {
  const body = await c.req.json<{ id?: string; owner?: string }>();
  const id = body.id ?? crypto.randomUUID();
  if (balances.has(id)) return c.json({ error: 'account_exists', message: `account ${id} already exists`, id }, 409);
  balances.set(id, 0);
  c.header('Location', `/accounts/${id}`);
  return c.json({ id, owner: body.owner ?? null, balance: 0, operations: 0, openedAt: new Date().toISOString() }, 201);
});

app.post('/accounts/:id/deposits', async (c) => {
  const id = c.req.param('id');
  const { amount } = await c.req.json<{ amount: number }>();
  const balance = (balances.get(id) ?? 0) + amount;
  balances.set(id, balance);
  const at = new Date().toISOString();
  return c.json({ id, balance, operation: { sequenceNr: 1, type: 'deposit', amount, balanceAfter: balance, at } });
});

const server = serve({ fetch: app.fetch, port: Number(process.env['PORT'] ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stderr.write(`baseline server listening on http://127.0.0.1:${info.port}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  // close() waits for keep-alive sockets, which the load generator may still hold.
  if ('closeAllConnections' in server) server.closeAllConnections();
});
