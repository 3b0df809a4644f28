import type { Reply } from './http.test-support.js';

type Call = (method: string, path: string, body?: unknown) => Promise<Reply>;

/** Every operation of an account, oldest first, following `next` page by page; with the balance of the first page. */
export async function allOperations(call: Call, id: string, limit = 500): Promise<{ readonly balance: number; readonly operations: readonly any[] }> {
  const operations: any[] = [];
  let balance: number | undefined;
  let after: number | null = null;
  do {
    const reply: Reply = await call('GET', `/accounts/${id}/history?order=oldest&limit=${limit}${after === null ? '' : `&after=${after}`}`);
    if (reply.status !== 200) throw new Error(`GET /accounts/${id}/history answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    balance ??= reply.body.balance;
    operations.push(...reply.body.operations);
    after = reply.body.next;
  } while (after !== null);
  return { balance: balance!, operations };
}
