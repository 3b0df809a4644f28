import { expect } from 'vitest';
import type { TestApp } from './testApp.test-support.js';
import { allAccounts, caughtUp } from './readSide.test-support.js';

// The read side's behaviour on any store: the SQLite and the PostgreSQL test files run these.

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function ok(t: TestApp, method: string, path: string, body?: unknown): Promise<any> {
  const reply = await t.call(method, path, body);
  expect(reply.status, `${method} ${path}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

/** GET /accounts lists every account with the balance and operation count its operations give. */
export async function summaryAfterOperations(t: TestApp): Promise<void> {
  await ok(t, 'POST', '/accounts', { id: 'sum-alice', owner: 'Alice Liddell' });
  await ok(t, 'POST', '/accounts', { id: 'sum-bob' });
  await ok(t, 'POST', '/accounts', { id: 'sum-carol', owner: 'Carol' });
  for (const amount of [10_000, 2_500, 1]) await ok(t, 'POST', '/accounts/sum-alice/deposits', { amount });
  await ok(t, 'POST', '/accounts/sum-alice/withdrawals', { amount: 7_000 });
  await ok(t, 'POST', '/accounts/sum-bob/deposits', { amount: 300 });
  expect((await t.call('POST', '/accounts/sum-bob/withdrawals', { amount: 301 })).status).toBe(409); // refused: no event
  await ok(t, 'POST', '/accounts/sum-bob/withdrawals', { amount: 300 });

  await caughtUp(t.call);
  const listed = (await allAccounts(t.call)).filter((a) => a.id.startsWith('sum-'));
  expect(listed).toEqual([
    { id: 'sum-alice', owner: 'Alice Liddell', balance: 5_501, operations: 4, openedAt: expect.stringMatching(isoTime) },
    { id: 'sum-bob', owner: null, balance: 0, operations: 2, openedAt: expect.stringMatching(isoTime) },
    { id: 'sum-carol', owner: 'Carol', balance: 0, operations: 0, openedAt: expect.stringMatching(isoTime) },
  ]);
  // the read model agrees with the accounts' own actors
  for (const account of listed) expect(await ok(t, 'GET', `/accounts/${account.id}`)).toEqual(account);
}

/** Pages of GET /accounts: by id, `limit` at a time, `next` as the `after` of the following page. */
export async function summaryPaging(t: TestApp): Promise<void> {
  const ids = ['page-g', 'page-a', 'page-e', 'page-c', 'page-b', 'page-f', 'page-d'];
  for (const id of ids) await ok(t, 'POST', '/accounts', { id });
  await caughtUp(t.call);

  // 'page-' sorts before every 'page-x': the pages start at this test's accounts.
  const first = await ok(t, 'GET', '/accounts?limit=3&after=page-');
  expect(first.accounts.map((a: any) => a.id)).toEqual(['page-a', 'page-b', 'page-c']);
  expect(first.next).toBe('page-c');
  const second = await ok(t, 'GET', `/accounts?limit=3&after=${first.next}`);
  expect(second.accounts.map((a: any) => a.id)).toEqual(['page-d', 'page-e', 'page-f']);
  const third = await ok(t, 'GET', `/accounts?after=${second.next}&limit=3`);
  expect(third.accounts.map((a: any) => a.id).filter((id: string) => id.startsWith('page-'))).toEqual(['page-g']);

  // without a limit, 50 at most
  for (let i = 0; i < 52; i++) await ok(t, 'POST', '/accounts', { id: `many-${String(i).padStart(2, '0')}` });
  await caughtUp(t.call);
  const fifty = await ok(t, 'GET', '/accounts?after=many-');
  expect(fifty.accounts).toHaveLength(50);
  expect(fifty.accounts[49].id).toBe('many-49');
  expect(fifty.next).toBe('many-49');
  const rest = await ok(t, 'GET', '/accounts?after=many-49&limit=500');
  expect(rest.accounts.slice(0, 2).map((a: any) => a.id)).toEqual(['many-50', 'many-51']);

  // the last page says so
  const all = await allAccounts(t.call, 7);
  expect(all.map((a) => a.id)).toEqual([...all.map((a) => a.id)].sort());
  expect(new Set(all.map((a) => a.id)).size).toBe(all.length);
}

/** Query parameters GET /accounts refuses, each with a 400 naming the parameter. */
export async function summaryValidation(t: TestApp): Promise<void> {
  for (const [query, field, message] of [
    ['limit=0', 'limit', 'limit must be an integer from 1 to 500, got "0"'],
    ['limit=501', 'limit', 'limit must be an integer from 1 to 500, got "501"'],
    ['limit=ten', 'limit', 'limit must be an integer from 1 to 500, got "ten"'],
    ['limit=2.5', 'limit', 'limit must be an integer from 1 to 500, got "2.5"'],
    ['limit=', 'limit', 'limit must be an integer from 1 to 500, got ""'],
    ['limit=1&limit=2', 'limit', 'limit must be given once, got 2 values'],
    ['after=', 'after', 'after must be an account id (the "next" of the previous page): it must not be empty'],
    ['after=a%2Fb', 'after', "after must be an account id (the \"next\" of the previous page): it must not contain '/'"],
  ] as const) {
    const reply = await t.call('GET', `/accounts?${query}`);
    expect(reply.status, query).toBe(400);
    expect(reply.body, query).toEqual({ error: 'invalid_parameter', field, message });
  }
  const unknown = await t.call('GET', '/accounts?limt=5');
  expect(unknown.status).toBe(400);
  expect(unknown.body).toEqual({ error: 'unknown_parameter', field: 'limt', message: 'unknown query parameter "limt"; expected "limit", "after"' });
}

/** Rebuilding a read model from the first event gives the same rows. */
export async function rebuildGivesTheSameTable(t: TestApp): Promise<void> {
  await ok(t, 'POST', '/accounts', { id: 'rebuild-1', owner: 'Rebecca' });
  await ok(t, 'POST', '/accounts', { id: 'rebuild-2' });
  for (let i = 1; i <= 30; i++) await ok(t, 'POST', `/accounts/rebuild-${1 + (i % 2)}/deposits`, { amount: i });
  await ok(t, 'POST', '/accounts/rebuild-1/withdrawals', { amount: 17 });
  const before = await caughtUp(t.call);
  const accounts = await allAccounts(t.call);
  const audit = await ok(t, 'GET', '/audit?limit=500&order=oldest');

  for (const name of ['account-summary', 'audit-trail']) {
    const reply = await t.call('POST', `/admin/projections/${name}/rebuild`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body).toMatchObject({ name, state: 'running' });
  }
  const after = await caughtUp(t.call);
  expect(await allAccounts(t.call)).toEqual(accounts);
  expect(await ok(t, 'GET', '/audit?limit=500&order=oldest')).toEqual(audit);
  // caught up to the same event as before the rebuild
  expect(after.map((p) => [p.name, p.offset])).toEqual(before.map((p) => [p.name, p.offset]));

  const unknown = await t.call('POST', '/admin/projections/nothing/rebuild');
  expect(unknown.status).toBe(404);
  expect(unknown.body).toMatchObject({ error: 'projection_not_found', name: 'nothing' });
  expect(unknown.body.message).toMatch(/^no projection named "nothing"; there are account-summary, audit-trail/);
}

/** GET /admin/projections: every projection with its kind, state, offset, lag and last error. */
export async function projectionStatuses(t: TestApp, offsetKind: string): Promise<void> {
  await ok(t, 'POST', '/accounts', { id: 'status-1' });
  await ok(t, 'POST', '/accounts/status-1/deposits', { amount: 5 });
  const projections = await caughtUp(t.call);
  expect(projections.map((p) => [p.name, p.kind])).toEqual([
    ['account-summary', 'exactlyOnce'],
    ['audit-trail', 'grouped'],
  ]);
  for (const projection of projections) {
    expect(projection).toMatchObject({ state: 'running', lagEvents: 0, lagCapped: false, lagMs: 0, stalled: false, lastError: null });
    expect(projection.offset).toMatch(new RegExp(`^${offsetKind}:\\S+$`));
  }
  const wrongMethod = await t.call('GET', '/admin/projections/account-summary/rebuild');
  expect(wrongMethod.status).toBe(405);
  expect(wrongMethod.headers.get('allow')).toBe('POST');
  expect((await t.call('POST', '/admin/projections')).headers.get('allow')).toBe('GET');
}

/** GET /audit: every event, by words, persistenceId and time, newest or oldest first, paged. */
export async function auditSearch(t: TestApp): Promise<void> {
  const start = new Date(Date.now() - 1).toISOString();
  await ok(t, 'POST', '/accounts', { id: 'audit-x', owner: 'Xanthippe Quarterly' });
  await ok(t, 'POST', '/accounts/audit-x/deposits', { amount: 4_242 });
  await ok(t, 'POST', '/accounts/audit-x/deposits', { amount: 17 });
  await new Promise((resolve) => setTimeout(resolve, 5)); // `to` is exclusive: the events above are from an earlier millisecond
  const middle = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5)); // the next event is stored in a later millisecond
  await ok(t, 'POST', '/accounts/audit-x/withdrawals', { amount: 4_000 });
  await ok(t, 'POST', '/accounts', { id: 'audit-y.b', owner: 'Yolanda' });
  await ok(t, 'POST', '/accounts/audit-y.b/deposits', { amount: 99 });
  await caughtUp(t.call);

  const search = async (query: string): Promise<any> => ok(t, 'GET', `/audit?${query}`);
  const ids = (page: any): string[] => page.events.map((e: any) => `${e.persistenceId}:${e.sequenceNr}`);

  // by persistenceId, newest first by default
  const byPid = await search('pid=Account|audit-x');
  expect(byPid.order).toBe('newest');
  expect(ids(byPid)).toEqual(['Account|audit-x:4', 'Account|audit-x:3', 'Account|audit-x:2', 'Account|audit-x:1']);
  expect(byPid.events[2]).toEqual({
    persistenceId: 'Account|audit-x',
    sequenceNr: 2,
    type: 'Deposited',
    at: expect.stringMatching(isoTime),
    description: 'Deposited: deposit of 4242 cents into account audit-x',
    event: { type: 'Deposited', amount: 4_242, balanceAfter: 4_242, at: expect.any(Number) },
  });
  expect(byPid.events[3]).toMatchObject({
    type: 'AccountOpened',
    description: 'AccountOpened: account audit-x opened for Xanthippe Quarterly',
    event: { type: 'AccountOpened', owner: 'Xanthippe Quarterly', at: expect.any(Number) },
  });
  expect(ids(await search('pid=Account|audit-x&order=oldest'))).toEqual(['Account|audit-x:1', 'Account|audit-x:2', 'Account|audit-x:3', 'Account|audit-x:4']);

  // by words: all of them, whole words, any case, punctuation ignored
  expect(ids(await search('q=xanthippe'))).toEqual(['Account|audit-x:1']);
  expect((await search('q=XANTHIPPE quarterly')).events).toHaveLength(1);
  expect((await search('q=xanthippe yolanda')).events).toEqual([]);
  expect((await search('q=xanth')).events).toEqual([]);
  expect(ids(await search('q=withdrawal audit-x'))).toEqual(['Account|audit-x:4']);
  expect(ids(await search('q=4242'))).toEqual(['Account|audit-x:2']);
  expect(ids(await search(`q=${encodeURIComponent('deposit, audit-y.b!')}`))).toEqual(['Account|audit-y.b:2']);
  expect(ids(await search('q=deposit&pid=Account|audit-x&order=oldest'))).toEqual(['Account|audit-x:2', 'Account|audit-x:3']);

  // by time: from inclusive, to exclusive
  expect(ids(await search(`pid=Account|audit-x&from=${start}&to=${middle}`))).toEqual(['Account|audit-x:3', 'Account|audit-x:2', 'Account|audit-x:1']);
  expect(ids(await search(`pid=Account|audit-x&from=${middle}`))).toEqual(['Account|audit-x:4']);
  expect(ids(await search(`q=audit&from=${encodeURIComponent(middle.replace('Z', '+00:00'))}&order=oldest`))).toEqual([
    'Account|audit-x:4',
    'Account|audit-y.b:1',
    'Account|audit-y.b:2',
  ]);

  // paged: `next` continues in the same order, without repeats
  const seen: string[] = [];
  let next: string | null = null;
  do {
    const page: any = await search(`q=audit&limit=2&order=oldest${next === null ? '' : `&after=${next}`}`);
    expect(page.events.length).toBeLessThanOrEqual(2);
    seen.push(...ids(page));
    next = page.next;
  } while (next !== null);
  expect(seen).toEqual(ids(await search('q=audit&order=oldest')));
  expect(seen).toHaveLength(6);
}

/** Query parameters GET /audit refuses, each with a 400 naming the parameter. */
export async function auditValidation(t: TestApp): Promise<void> {
  for (const [query, field, message] of [
    ['q=', 'q', 'q must contain at least one word (letters or digits), got ""'],
    ['q=%2B%2B', 'q', 'q must contain at least one word (letters or digits), got "++"'],
    [`q=${'w '.repeat(21)}`, 'q', 'q must have at most 20 words, got 21'],
    [`q=${'x'.repeat(201)}`, 'q', 'q must be at most 200 characters, got 201'],
    ['pid=', 'pid', 'pid must not be empty'],
    ['from=yesterday', 'from', 'from must be an ISO 8601 time such as 2026-12-01T09:30:00Z or 2026-12-01, got "yesterday"'],
    ['from=2026-02-30', 'from', 'from must be an ISO 8601 time such as 2026-12-01T09:30:00Z or 2026-12-01, got "2026-02-30"'],
    ['to=2026-12-01T25:00:00Z', 'to', 'to must be an ISO 8601 time such as 2026-12-01T09:30:00Z or 2026-12-01, got "2026-12-01T25:00:00Z"'],
    ['to=2026-12-01T10:00:00', 'to', 'to must be an ISO 8601 time such as 2026-12-01T09:30:00Z or 2026-12-01, got "2026-12-01T10:00:00"'],
    ['from=2026-12-02&to=2026-12-01', 'to', 'to must be after from (2026-12-02), got 2026-12-01'],
    ['order=up', 'order', 'order must be "newest" or "oldest", got "up"'],
    ['after=42', 'after', 'after must be the "next" of a previous page, got "42"'],
    ['limit=501', 'limit', 'limit must be an integer from 1 to 500, got "501"'],
  ] as const) {
    const reply = await t.call('GET', `/audit?${query}`);
    expect(reply.status, query).toBe(400);
    expect(reply.body, query).toEqual({ error: 'invalid_parameter', field, message });
  }
  const unknown = await t.call('GET', '/audit?query=x');
  expect(unknown.status).toBe(400);
  expect(unknown.body.error).toBe('unknown_parameter');
  expect(unknown.body.message).toBe('unknown query parameter "query"; expected "q", "pid", "from", "to", "order", "after", "limit"');
  // an unescaped '+' of an offset arrives as a space, and is read as '+'
  expect((await t.call('GET', '/audit?from=2026-12-01T10:00:00+01:00')).status).toBe(200);
  // what FTS5 or tsquery would take as syntax is only words here
  expect((await t.call('GET', `/audit?q=${encodeURIComponent('NEAR(a b) OR "x* -y & !z')}`)).status).toBe(200);
}
