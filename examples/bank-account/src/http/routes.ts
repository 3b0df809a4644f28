import type { Logger } from '@engram/core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { Accounts, LiveAccount } from '../accounts/index.js';
import { emptyAccount, type OperationResult } from '../domain/index.js';
import type { ReadSideApi } from '../projections/ReadSideApi.js';
import { ApiError, errorResponse } from './errors.js';
import { addReadRoutes } from './readRoutes.js';
import { maxBodyBytes, parseAmount, parseOpenAccount, pathAccountId, readJsonObject, readOptionalJsonObject } from './requests.js';
import { accountView, operationView } from './views.js';

/**
 * The HTTP API:
 *   POST /accounts                    open ({ id?, owner? }) -> 201, 409 if the id is taken
 *   GET  /accounts/:id                balance and owner
 *   POST /accounts/:id/deposits       { amount } -> the operation and the new balance
 *   POST /accounts/:id/withdrawals    { amount } -> the same, 409 on insufficient funds
 *   GET  /accounts/:id/history        every operation, oldest first
 * and the read side's routes (readRoutes.ts): GET /accounts, GET /audit, /admin/projections.
 */
export function createRoutes(accounts: Accounts, readSide: ReadSideApi, log: Logger): Hono {
  const app = new Hono();

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
    return c.json(accountView(result.entry, emptyAccount), 201);
  });

  app.get('/accounts/:id', async (c) => {
    const account = existing(c);
    return c.json(accountView(account.entry, await accounts.state(account)));
  });

  app.get('/accounts/:id/history', async (c) => {
    const account = existing(c);
    const state = await accounts.state(account);
    return c.json({ id: account.entry.id, balance: state.balance, operations: state.history.map(operationView) });
  });

  app.post('/accounts/:id/deposits', async (c) => {
    const account = existing(c);
    const amount = parseAmount(await readJsonObject(c));
    return c.json(operationResponse(account, await accounts.deposit(account, amount)));
  });

  app.post('/accounts/:id/withdrawals', async (c) => {
    const account = existing(c);
    const amount = parseAmount(await readJsonObject(c));
    return c.json(operationResponse(account, await accounts.withdraw(account, amount)));
  });

  addReadRoutes(app, readSide);

  // Known paths with another method: 405 with the methods that work, rather than a vague 404.
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

  function existing(c: Context): LiveAccount {
    const id = pathAccountId(c);
    const account = accounts.find(id);
    if (account === undefined) throw new ApiError(404, 'account_not_found', `account ${id} does not exist`, { id });
    return account;
  }

  return app;
}

function operationResponse(account: LiveAccount, result: OperationResult) {
  const id = account.entry.id;
  if (result.ok) return { id, balance: result.balance, operation: operationView(result.operation) };
  if (result.reason === 'insufficient_funds') {
    throw new ApiError(
      409,
      'insufficient_funds',
      `account ${id} has a balance of ${result.balance} cents, which does not cover a withdrawal of ${result.amount}`,
      { id, balance: result.balance, amount: result.amount },
    );
  }
  throw new ApiError(409, 'balance_limit', `a deposit of ${result.amount} would take account ${id} over the largest balance it can hold`, {
    id,
    balance: result.balance,
    amount: result.amount,
  });
}

function methodNotAllowed(allowed: string) {
  return (c: Context) => {
    c.header('Allow', allowed);
    return c.json({ error: 'method_not_allowed', message: `${c.req.method} is not supported on ${c.req.path}; use ${allowed}` }, 405);
  };
}
