import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAmount } from '../domain/index.js';
import { startTestApp, tempDataDir, type TestApp } from '../testing/testApp.test-support.js';

const data = tempDataDir();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ DATA_DIR: data.dir });
});

afterAll(async () => {
  await t?.app.stop();
  data.remove();
});

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('opening accounts', () => {
  it('opens an account with the given id and owner: 201, Location, zero balance', async () => {
    const reply = await t.call('POST', '/accounts', { id: 'open-1', owner: '  Ada Lovelace ' });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe('/accounts/open-1');
    expect(reply.body).toEqual({ id: 'open-1', owner: 'Ada Lovelace', balance: 0, operations: 0, openedAt: expect.stringMatching(isoTime) });
    expect((await t.call('GET', '/accounts/open-1')).body).toEqual(reply.body);
  });

  it('generates an id when none is given, also without any body', async () => {
    const reply = await t.call('POST', '/accounts');
    expect(reply.status).toBe(201);
    expect(reply.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.body.owner).toBeNull();
    const other = await t.call('POST', '/accounts', { owner: 'Grace' });
    expect(other.body.id).not.toBe(reply.body.id);
    expect((await t.call('GET', `/accounts/${other.body.id}`)).body.owner).toBe('Grace');
  });

  it('refuses an id that is taken with 409, also when both requests race', async () => {
    expect((await t.call('POST', '/accounts', { id: 'taken' })).status).toBe(201);
    const again = await t.call('POST', '/accounts', { id: 'taken', owner: 'someone else' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'account_exists', message: 'account taken already exists', id: 'taken' });

    const racing = await Promise.all([1, 2, 3].map(() => t.call('POST', '/accounts', { id: 'race' })));
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it('accepts ids that are not JavaScript-special even when they look like it', async () => {
    expect((await t.call('POST', '/accounts', { id: 'constructor' })).status).toBe(201);
    expect((await t.call('GET', '/accounts/toString')).status).toBe(404);
  });

  it.each([
    [{ id: '' }, 'id', 'id must not be empty'],
    [{ id: 'x'.repeat(65) }, 'id', 'id must be at most 64 characters, got 65'],
    [{ id: 'a/b' }, 'id', "id must not contain '/'"],
    [{ id: 'has space' }, 'id', 'letters, digits'],
    [{ id: '-leading' }, 'id', 'must start with a letter or digit'],
    [{ id: 42 }, 'id', 'id must be a string, got number'],
    [{ owner: '' }, 'owner', 'owner must not be empty'],
    [{ owner: '   ' }, 'owner', 'owner must not be empty'],
    [{ owner: 7 }, 'owner', 'owner must be a string, got number'],
    [{ owner: 'o'.repeat(201) }, 'owner', 'at most 200 characters'],
    [{ owner: 'line\nbreak' }, 'owner', 'control characters'],
  ])('refuses %j with 422 naming the field', async (body, field, message) => {
    const reply = await t.call('POST', '/accounts', body);
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: 'invalid_field', field });
    expect(reply.body.message).toContain(message);
  });

  it('refuses unknown fields, so that typos are not silently ignored', async () => {
    const reply = await t.call('POST', '/accounts', { id: 'typo', ownr: 'Ada' });
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({ error: 'unknown_field', field: 'ownr', message: 'unknown field "ownr"; expected "id" or "owner"' });
    expect((await t.call('GET', '/accounts/typo')).status).toBe(404);
  });
});

describe('deposits, withdrawals, balance and history', () => {
  it('applies operations in order and refuses a withdrawal the balance does not cover', async () => {
    await t.call('POST', '/accounts', { id: 'ops', owner: 'Ops' });
    const deposit = await t.call('POST', '/accounts/ops/deposits', { amount: 10_000 });
    expect(deposit.status).toBe(200);
    expect(deposit.body).toEqual({
      id: 'ops',
      balance: 10_000,
      operation: { sequenceNr: 1, type: 'deposit', amount: 10_000, balanceAfter: 10_000, at: expect.stringMatching(isoTime) },
    });
    const withdrawal = await t.call('POST', '/accounts/ops/withdrawals', { amount: 2_550 });
    expect(withdrawal.body).toMatchObject({ balance: 7_450, operation: { sequenceNr: 2, type: 'withdrawal', amount: 2_550, balanceAfter: 7_450 } });

    const refused = await t.call('POST', '/accounts/ops/withdrawals', { amount: 7_451 });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      error: 'insufficient_funds',
      message: 'account ops has a balance of 7450 cents, which does not cover a withdrawal of 7451',
      id: 'ops',
      balance: 7_450,
      amount: 7_451,
    });
    // The whole balance can go.
    expect((await t.call('POST', '/accounts/ops/withdrawals', { amount: 7_450 })).body.balance).toBe(0);
    await t.call('POST', '/accounts/ops/deposits', { amount: 1 });

    expect((await t.call('GET', '/accounts/ops')).body).toEqual({
      id: 'ops',
      owner: 'Ops',
      balance: 1,
      operations: 4,
      openedAt: expect.stringMatching(isoTime),
    });
    const history = await t.call('GET', '/accounts/ops/history');
    expect(history.status).toBe(200);
    expect(history.body.id).toBe('ops');
    expect(history.body.balance).toBe(1);
    expect(history.body.operations.map((o: any) => [o.sequenceNr, o.type, o.amount, o.balanceAfter])).toEqual([
      [1, 'deposit', 10_000, 10_000],
      [2, 'withdrawal', 2_550, 7_450],
      [3, 'withdrawal', 7_450, 0],
      [4, 'deposit', 1, 1],
    ]);
    const times = history.body.operations.map((o: any) => Date.parse(o.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(history.body.operations[0].at).toBe(deposit.body.operation.at);
  });

  it('keeps concurrent deposits to one account, each exactly once', async () => {
    await t.call('POST', '/accounts', { id: 'busy' });
    const amounts = Array.from({ length: 50 }, (_, i) => i + 1);
    const replies = await Promise.all(amounts.map((amount) => t.call('POST', '/accounts/busy/deposits', { amount })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const history = (await t.call('GET', '/accounts/busy/history')).body.operations;
    expect(history.map((o: any) => o.sequenceNr)).toEqual(amounts);
    expect(history.map((o: any) => o.amount).sort((a: number, b: number) => a - b)).toEqual(amounts);
    expect((await t.call('GET', '/accounts/busy')).body.balance).toBe((50 * 51) / 2);
  });
});

describe('bad requests', () => {
  it.each([
    [{}, 'amount is required'],
    [{ amount: '100' }, 'amount must be a number of cents, got a string'],
    [{ amount: null }, 'amount must be a number of cents, got null'],
    [{ amount: [5] }, 'amount must be a number of cents, got an array'],
    [{ amount: 10.5 }, 'amount must be a whole number of cents, got 10.5'],
    [{ amount: 0 }, 'amount must be positive, got 0'],
    [{ amount: -5 }, 'amount must be positive, got -5'],
    [{ amount: maxAmount + 1 }, `amount must be at most ${maxAmount}`],
    [{ amount: 1e300 }, 'amount must be at most'],
  ])('refuses the amount of %j with 422, for deposits and withdrawals', async (body, message) => {
    await t.call('POST', '/accounts', { id: 'amounts' });
    for (const kind of ['deposits', 'withdrawals']) {
      const reply = await t.call('POST', `/accounts/amounts/${kind}`, body);
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual({ error: 'invalid_field', field: 'amount', message: expect.stringContaining(message) });
    }
    expect((await t.call('GET', '/accounts/amounts')).body.operations).toBe(0);
  });

  it('answers malformed JSON, a missing body and a body that is not an object with clear 4xx errors', async () => {
    await t.call('POST', '/accounts', { id: 'bodies' });
    const malformed = await t.call('POST', '/accounts/bodies/deposits', '{"amount": 5');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('malformed_json');
    expect(malformed.body.message).toMatch(/^the body is not valid JSON: /);

    const missing = await t.call('POST', '/accounts/bodies/deposits', '');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'missing_body', message: 'the request needs a JSON body, e.g. {"amount": 1000}' });

    for (const [text, kind] of [['[1]', 'an array'], ['"hi"', 'a string'], ['null', 'null'], ['5', 'a number']]) {
      const reply = await t.call('POST', '/accounts/bodies/deposits', text);
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual({ error: 'invalid_body', message: `the body must be a JSON object, got ${kind}` });
    }
    const openMalformed = await t.call('POST', '/accounts', '{id: "x"}');
    expect(openMalformed.status).toBe(400);
    expect(openMalformed.body.error).toBe('malformed_json');
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const reply = await t.call('POST', '/accounts', JSON.stringify({ owner: 'x'.repeat(20_000) }));
    expect(reply.status).toBe(413);
    expect(reply.body.error).toBe('body_too_large');
  });

  it('answers unknown accounts with 404 on every account route', async () => {
    for (const [method, path, body] of [
      ['GET', '/accounts/nobody', undefined],
      ['GET', '/accounts/nobody/history', undefined],
      ['POST', '/accounts/nobody/deposits', { amount: 1 }],
      ['POST', '/accounts/nobody/withdrawals', { amount: 1 }],
    ] as const) {
      const reply = await t.call(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.body).toEqual({ error: 'account_not_found', message: 'account nobody does not exist', id: 'nobody' });
    }
  });

  it('answers ids in the path that could never be accounts with 400', async () => {
    const slash = await t.call('GET', '/accounts/a%2Fb');
    expect(slash.status).toBe(400);
    expect(slash.body).toEqual({ error: 'invalid_id', field: 'id', message: "the account id in the path must not contain '/'" });
    const long = await t.call('POST', `/accounts/${'y'.repeat(65)}/deposits`, { amount: 1 });
    expect(long.status).toBe(400);
    expect(long.body.message).toBe('the account id in the path must be at most 64 characters, got 65');
    const odd = await t.call('GET', '/accounts/%24weird');
    expect(odd.status).toBe(400);
    expect(odd.body.error).toBe('invalid_id');
  });

  it('answers unknown routes with 404 and known routes with another method with 405', async () => {
    const unknown = await t.call('GET', '/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: 'no route for GET /nothing/here' });
    expect((await t.call('GET', '/accounts/x/y/z')).status).toBe(404);

    const wrongMethod = await t.call('DELETE', '/accounts/ops');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(wrongMethod.body).toEqual({ error: 'method_not_allowed', message: 'DELETE is not supported on /accounts/ops; use GET' });
    const deleteAll = await t.call('DELETE', '/accounts');
    expect(deleteAll.status).toBe(405);
    expect(deleteAll.headers.get('allow')).toBe('GET, POST');
    expect((await t.call('PUT', '/accounts/ops/deposits', { amount: 1 })).headers.get('allow')).toBe('POST');
  });
});
