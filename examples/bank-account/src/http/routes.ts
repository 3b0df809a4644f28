import type { Logger } from '@engram/core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { Accounts } from '../accounts/index.js';
import type { OperationResult, Unavailable } from '../domain/index.js';
import type { ReadSideApi } from '../projections/ReadSideApi.js';
import { ApiError, errorResponse } from './errors.js';
import { addHealthRoutes } from './healthRoutes.js';
import { parseHistory } from './queries.js';
import { addReadRoutes } from './readRoutes.js';
import { maxBodyBytes, parseAmount, parseIdempotencyKey, parseOpenAccount, pathAccountId, readJsonObject, readOptionalJsonObject } from './requests.js';
import type { ServiceStatus } from './ServiceStatus.js';
import { accountView, operationView } from './views.js';

export interface Services {
  readonly accounts: Accounts;
  readonly readSide: ReadSideApi;
  readonly status: ServiceStatus;
  readonly log: Logger;
}

/**
 * The HTTP API:
 *   GET  /health                      liveness; GET /ready: readiness (healthRoutes.ts)
 *   POST /accounts                    open ({ id?, owner? }) -> 201, 409 if the id is taken
 *   GET  /accounts/:id                balance and owner
 *   POST /accounts/:id/deposits       { amount } (+ Idempotency-Key) -> the operation and the new balance
 *   POST /accounts/:id/withdrawals    the same, 409 on insufficient funds
 *   GET  /accounts/:id/history        the operations, a page at a time (?order=&after=&limit=)
 * and the read side's routes (readRoutes.ts): GET /accounts, GET /audit, /admin/projections.
 */
export function createRoutes({ accounts, readSide, status, log }: Services): Hono {
  const app = new Hono();
  addHealthRoutes(app, status);

  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => c.json({ error: 'body_too_large', message: `the body must be at most ${maxBodyBytes} bytes` }, 413),
    }),
  );

  app.post('/accounts', async (c) => {
    const request = parseOpenAccount(await readOptionalJsonObject(c));
    const id = request.id ?? randomUUID();
    const result = await accounts.open(id, request.owner);
    if (!result.ok) throw new ApiError(409, 'account_exists', `account ${id} already exists`, { id });
    c.header('Location', `/accounts/${id}`);
    return c.json(accountView(id, result.account), 201);
  });

  app.get('/accounts/:id', async (c) => {
    const id = pathAccountId(c);
    const found = await accounts.get(id);
    if (!found.ok) throw notFound(id);
    return c.json(accountView(id, found.account));
  });

  app.get('/accounts/:id/history', async (c) => {
    const id = pathAccountId(c);
    const request = parseHistory(c);
    const found = await accounts.historyPage(id, request);
    if (found === undefined) throw notFound(id);
    return c.json({
      id,
      balance: found.account.balance,
      order: request.order,
      operations: found.page.operations.map(operationView),
      next: found.page.next ?? null,
    });
  });

  for (const [path, kind] of [
    ['/accounts/:id/deposits', 'deposit'],
    ['/accounts/:id/withdrawals', 'withdrawal'],
  ] as const) {
    app.post(path, async (c) => {
      const id = pathAccountId(c);
      const key = parseIdempotencyKey(c);
      const amount = parseAmount(await readJsonObject(c));
      const result = kind === 'deposit' ? await accounts.deposit(id, amount, key) : await accounts.withdraw(id, amount, key);
      if (result.ok && result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(operationResponse(id, kind, amount, result));
    });
  }

  addReadRoutes(app, readSide);

  // Known paths with another method: 405 with the methods that work, rather than a vague 404.
  app.all('/health', methodNotAllowed('GET'));
  app.all('/ready', methodNotAllowed('GET'));
  app.all('/accounts', methodNotAllowed('GET, POST'));
  app.all('/audit', methodNotAllowed('GET'));
  app.all('/admin/projections', methodNotAllowed('GET'));
  app.all('/admin/projections/:name/:action{rebuild|pause|resume}', methodNotAllowed('POST'));
  app.all('/accounts/:id', methodNotAllowed('GET'));
  app.all('/accounts/:id/history', methodNotAllowed('GET'));
  app.all('/accounts/:id/deposits', methodNotAllowed('POST'));
  app.all('/accounts/:id/withdrawals', methodNotAllowed('POST'));

  app.notFound((c) => c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => errorResponse(error, c, log));
  return app;
}

/**
 * What the port serves while the service starts: the health routes, and 503 for everything else,
 * so that a client (or a load balancer) that comes early is told to wait rather than refused.
 */
export function startingRoutes(status: ServiceStatus): Hono {
  const app = new Hono();
  addHealthRoutes(app, status);
  app.all('*', (c) => {
    c.header('Retry-After', '1');
    return c.json({ error: 'unavailable', message: `${status.startingReason}; try again shortly (GET /ready answers 200 once it takes requests)` }, 503);
  });
  return app;
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'account_not_found', `account ${id} does not exist`, { id });
}

function operationResponse(id: string, kind: 'deposit' | 'withdrawal', amount: number, result: Exclude<OperationResult, Unavailable>) {
  if (result.ok) return { id, balance: result.balance, operation: operationView(result.operation) };
  switch (result.reason) {
    case 'not_found':
      throw notFound(id);
    case 'insufficient_funds':
      throw new ApiError(
        409,
        'insufficient_funds',
        `account ${id} has a balance of ${result.balance} cents, which does not cover a withdrawal of ${result.amount}`,
        { id, balance: result.balance, amount: result.amount },
      );
    case 'balance_limit':
      throw new ApiError(409, 'balance_limit', `a deposit of ${result.amount} would take account ${id} over the largest balance it can hold`, {
        id,
        balance: result.balance,
        amount: result.amount,
      });
    case 'idempotency_key_reused': {
      const original = result.original;
      throw new ApiError(
        422,
        'idempotency_key_reused',
        `the Idempotency-Key ${JSON.stringify(result.key)} was used for a ${original.type} of ${original.amount} cents ` +
          `(operation ${original.sequenceNr} of account ${id}), not for a ${kind} of ${amount}: use a new key for a new operation`,
        { id, field: 'Idempotency-Key', original: operationView(original) },
      );
    }
  }
}

function methodNotAllowed(allowed: string) {
  return (c: Context) => {
    c.header('Allow', allowed);
    return c.json({ error: 'method_not_allowed', message: `${c.req.method} is not supported on ${c.req.path}; use ${allowed}` }, 405);
  };
}
