import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAmount } from '../domain/index.js';
import { allOperations } from '../testing/history.test-support.js';
import { eventually } from '../testing/readSide.test-support.js';
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

describe('deposits, withdrawals and balance', () => {
  it('applies operations in order and refuses a withdrawal the balance does not cover', async () => {
    await t.call('POST', '/accounts', { id: 'ops', owner: 'Ops' });
    const deposit = await t.call('POST', '/accounts/ops/deposits', { amount: 10_000 });
    expect(deposit.status).toBe(200);
    expect(deposit.headers.get('idempotent-replayed')).toBeNull();
    expect(deposit.body).toEqual({
      id: 'ops',
      balance: 10_000,
      operation: { sequenceNr: 2, type: 'deposit', amount: 10_000, balanceAfter: 10_000, at: expect.stringMatching(isoTime) },
    });
    const withdrawal = await t.call('POST', '/accounts/ops/withdrawals', { amount: 2_550 });
    expect(withdrawal.body).toMatchObject({ balance: 7_450, operation: { sequenceNr: 3, type: 'withdrawal', amount: 2_550, balanceAfter: 7_450 } });

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
  });

  it('keeps concurrent deposits to one account, each exactly once', async () => {
    await t.call('POST', '/accounts', { id: 'busy' });
    const amounts = Array.from({ length: 50 }, (_, i) => i + 1);
    const replies = await Promise.all(amounts.map((amount) => t.call('POST', '/accounts/busy/deposits', { amount })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const history = (await allOperations(t.call, 'busy')).operations;
    expect(history.map((o: any) => o.sequenceNr)).toEqual(amounts.map((n) => n + 1));
    expect(history.map((o: any) => o.amount).sort((a: number, b: number) => a - b)).toEqual(amounts);
    expect((await t.call('GET', '/accounts/busy')).body.balance).toBe((50 * 51) / 2);
  });
});

describe('history', () => {
  const ops = (reply: any) => reply.body.operations.map((o: any) => o.sequenceNr);

  it('lists the operations newest first by default, oldest first on request, with balances and times', async () => {
    await t.call('POST', '/accounts', { id: 'hist' });
    const deposit = await t.call('POST', '/accounts/hist/deposits', { amount: 500 });
    await t.call('POST', '/accounts/hist/withdrawals', { amount: 200 });
    await t.call('POST', '/accounts/hist/deposits', { amount: 1 });

    const newest = await t.call('GET', '/accounts/hist/history');
    expect(newest.status).toBe(200);
    expect(newest.body).toEqual({
      id: 'hist',
      balance: 301,
      order: 'newest',
      next: null,
      operations: [
        { sequenceNr: 4, type: 'deposit', amount: 1, balanceAfter: 301, at: expect.stringMatching(isoTime) },
        { sequenceNr: 3, type: 'withdrawal', amount: 200, balanceAfter: 300, at: expect.stringMatching(isoTime) },
        { sequenceNr: 2, type: 'deposit', amount: 500, balanceAfter: 500, at: deposit.body.operation.at },
      ],
    });
    const oldest = await t.call('GET', '/accounts/hist/history?order=oldest');
    expect(oldest.body.order).toBe('oldest');
    expect(oldest.body.operations).toEqual([...newest.body.operations].reverse());

    await t.call('POST', '/accounts', { id: 'hist-empty' });
    expect((await t.call('GET', '/accounts/hist-empty/history')).body).toEqual({ id: 'hist-empty', balance: 0, order: 'newest', operations: [], next: null });
  });

  it('pages with limit and after (the sequence nr where the previous page ended), in both orders', async () => {
    await t.call('POST', '/accounts', { id: 'pages' });
    for (let i = 1; i <= 7; i++) await t.call('POST', '/accounts/pages/deposits', { amount: i });
    // operations are events 2 to 8

    const first = await t.call('GET', '/accounts/pages/history?limit=3');
    expect([ops(first), first.body.next]).toEqual([[8, 7, 6], 6]);
    const second = await t.call('GET', '/accounts/pages/history?limit=3&after=6');
    expect([ops(second), second.body.next]).toEqual([[5, 4, 3], 3]);
    const last = await t.call('GET', '/accounts/pages/history?limit=3&after=3');
    expect([ops(last), last.body.next]).toEqual([[2], null]);

    const up = await t.call('GET', '/accounts/pages/history?order=oldest&limit=4');
    expect([ops(up), up.body.next]).toEqual([[2, 3, 4, 5], 5]);
    const rest = await t.call('GET', '/accounts/pages/history?order=oldest&limit=4&after=5');
    expect([ops(rest), rest.body.next]).toEqual([[6, 7, 8], null]);
    // exactly a page left: the page before it says no more follow only once it is read
    const exact = await t.call('GET', '/accounts/pages/history?order=oldest&limit=7');
    expect([ops(exact), exact.body.next]).toEqual([[2, 3, 4, 5, 6, 7, 8], null]);

    // an `after` past either end gives an empty last page
    expect((await t.call('GET', '/accounts/pages/history?order=oldest&after=8')).body).toMatchObject({ operations: [], next: null });
    expect((await t.call('GET', '/accounts/pages/history?after=2')).body).toMatchObject({ operations: [], next: null });
    expect(ops(await t.call('GET', '/accounts/pages/history?after=99&limit=2'))).toEqual([8, 7]);
  });

  it('refuses bad query parameters with 400 naming them', async () => {
    await t.call('POST', '/accounts', { id: 'hist-bad' });
    for (const [query, field, message] of [
      ['after=0', 'after', 'after must be a sequence nr (a positive integer: the "next" of the previous page), got "0"'],
      ['after=-3', 'after', 'after must be a sequence nr (a positive integer: the "next" of the previous page), got "-3"'],
      ['after=abc', 'after', 'after must be a sequence nr (a positive integer: the "next" of the previous page), got "abc"'],
      ['after=1.5', 'after', 'after must be a sequence nr (a positive integer: the "next" of the previous page), got "1.5"'],
      ['after=', 'after', 'after must be a sequence nr (a positive integer: the "next" of the previous page), got ""'],
      ['order=up', 'order', 'order must be "newest" or "oldest", got "up"'],
      ['limit=0', 'limit', 'limit must be an integer from 1 to 500, got "0"'],
      ['limit=501', 'limit', 'limit must be an integer from 1 to 500, got "501"'],
      ['after=2&after=3', 'after', 'after must be given once, got 2 values'],
    ] as const) {
      const reply = await t.call('GET', `/accounts/hist-bad/history?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body, query).toEqual({ error: 'invalid_parameter', field, message });
    }
    const unknown = await t.call('GET', '/accounts/hist-bad/history?from=2');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: 'unknown_parameter',
      field: 'from',
      message: 'unknown query parameter "from"; expected "order", "after", "limit"',
    });
  });
});

describe('idempotency keys', () => {
  const keyed = (path: string, body: unknown, key: string) => t.call('POST', path, body, { 'Idempotency-Key': key });

  it('applies a deposit or withdrawal retried with the same key once, and answers the retry with the same result', async () => {
    await t.call('POST', '/accounts', { id: 'idem' });
    const first = await keyed('/accounts/idem/deposits', { amount: 300 }, 'req-7f3a');
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    await t.call('POST', '/accounts/idem/deposits', { amount: 5 });

    const retry = await keyed('/accounts/idem/deposits', { amount: 300 }, 'req-7f3a');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await t.call('GET', '/accounts/idem')).body).toMatchObject({ balance: 305, operations: 2 });

    const withdrawal = await keyed('/accounts/idem/withdrawals', { amount: 100 }, 'req-8b');
    expect(await keyed('/accounts/idem/withdrawals', { amount: 100 }, 'req-8b')).toMatchObject({ status: 200, body: withdrawal.body });
    expect((await t.call('GET', '/accounts/idem')).body).toMatchObject({ balance: 205, operations: 3 });

    // keys are per account
    await t.call('POST', '/accounts', { id: 'idem-2' });
    expect((await keyed('/accounts/idem-2/deposits', { amount: 300 }, 'req-7f3a')).headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses the same key with another body with 422, naming what the key was used for', async () => {
    await t.call('POST', '/accounts', { id: 'idem-reuse' });
    const first = await keyed('/accounts/idem-reuse/deposits', { amount: 300 }, 'once');
    for (const [path, amount, kind] of [
      ['/accounts/idem-reuse/deposits', 301, 'deposit'],
      ['/accounts/idem-reuse/withdrawals', 300, 'withdrawal'],
    ] as const) {
      const reply = await keyed(path, { amount }, 'once');
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual({
        error: 'idempotency_key_reused',
        field: 'Idempotency-Key',
        id: 'idem-reuse',
        message: `the Idempotency-Key "once" was used for a deposit of 300 cents (operation 2 of account idem-reuse), not for a ${kind} of ${amount}: use a new key for a new operation`,
        original: first.body.operation,
      });
    }
    expect((await t.call('GET', '/accounts/idem-reuse')).body).toMatchObject({ balance: 300, operations: 1 });
  });

  it('refuses a key that is empty, too long or not visible ASCII with 400', async () => {
    await t.call('POST', '/accounts', { id: 'idem-bad' });
    for (const [key, problem] of [
      ['', 'must not be empty'],
      ['k'.repeat(129), 'must be at most 128 characters, got 129'],
      ['two words', 'may contain only visible ASCII characters (no spaces, no commas from a repeated header)'],
      ['a, b', 'may contain only visible ASCII characters (no spaces, no commas from a repeated header)'],
    ] as const) {
      const reply = await keyed('/accounts/idem-bad/deposits', { amount: 1 }, key);
      expect(reply.status, JSON.stringify(key)).toBe(400);
      expect(reply.body).toEqual({ error: 'invalid_header', field: 'Idempotency-Key', message: `the Idempotency-Key header ${problem}` });
    }
    expect((await t.call('GET', '/accounts/idem-bad')).body.operations).toBe(0);
    expect((await keyed('/accounts/idem-bad/deposits', { amount: 1 }, 'k'.repeat(128))).status).toBe(200);
  });
});

describe('health', () => {
  it('answers /health and /ready with 200 once started', async () => {
    expect(await t.call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'alive', phase: 'ready', pid: process.pid } });
    expect(await t.call('GET', '/ready')).toMatchObject({ status: 200, body: { ready: true, phase: 'ready' } });
    expect((await t.call('POST', '/ready')).status).toBe(405);
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

  it('answers unknown accounts with 404 on every account route, and keeps no actor for them', async () => {
    const before = await t.app.accounts.stats();
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
    const live = await eventually('the unknown account to leave memory', async () => {
      const stats = await t.app.accounts.stats();
      return stats.live + stats.passivating <= before.live + before.passivating ? stats : undefined;
    });
    expect(live.live).toBeLessThanOrEqual(before.live);
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
