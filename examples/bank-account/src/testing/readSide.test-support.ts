import type { Reply } from './http.test-support.js';

type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

/**
 * Waits until every projection runs with nothing left to handle (lag 0), so that the read models
 * show every event committed before the call; fails after `deadlineMs` with the last statuses.
 */
export async function caughtUp(call: Call, deadlineMs = 20_000): Promise<readonly any[]> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    const reply = await call('GET', '/admin/projections');
    last = reply.body;
    const projections: any[] = reply.body.projections ?? [];
    if (reply.status === 200 && projections.length > 0 && projections.every((p) => p.state === 'running' && p.lagEvents === 0)) return projections;
    if (Date.now() > deadline) throw new Error(`the projections did not catch up within ${deadlineMs} ms: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until `check` returns a value other than undefined; fails after `deadlineMs` naming `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, deadlineMs = 20_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every account of GET /accounts, following `next` page by page. */
export async function allAccounts(call: Call, limit = 500): Promise<readonly any[]> {
  const accounts: any[] = [];
  let after: string | null = null;
  do {
    const reply: Reply = await call('GET', `/accounts?limit=${limit}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
    if (reply.status !== 200) throw new Error(`GET /accounts answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    accounts.push(...reply.body.accounts);
    after = reply.body.next;
  } while (after !== null);
  return accounts;
}
