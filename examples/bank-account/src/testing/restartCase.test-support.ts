import { expect } from 'vitest';
import { AppProcess } from './appProcess.test-support.js';
import { allOperations } from './history.test-support.js';
import { request } from './http.test-support.js';
import { allAccounts, caughtUp } from './readSide.test-support.js';

const accounts = ['rs-1', 'rs-2', 'rs-3'];
const streamsPerAccount = 3;
const pauseAfterAcks = 150;
const killAfterAcks = 400;

/**
 * The read models across a SIGKILL: the first process is killed in the middle of a stream of
 * deposits, with the account summary paused for the last part of it (the pause is stored); the
 * second one starts the summary paused, behind by those deposits, and once resumed catches up from
 * its stored offset: every account's balance and operation count match its history exactly, and
 * the audit trail has every event once.
 */
export async function readModelsCatchUpAfterKill(env: Readonly<Record<string, string>>, cleanups: (() => void)[]): Promise<void> {
  const first = AppProcess.start(env);
  cleanups.push(() => first.kill('SIGKILL'));
  const url = await first.listening();
  for (const id of accounts) expect((await request(url, 'POST', '/accounts', { id, owner: `Owner of ${id}` })).status).toBe(201);

  let acks = 0;
  let killed = false;
  let pausing: Promise<unknown> | undefined;
  const stream = async (id: string, stream: number): Promise<void> => {
    for (let n = 1; ; n++) {
      let status: number;
      try {
        const path = `/accounts/${id}/${n % 7 === 0 ? 'withdrawals' : 'deposits'}`;
        status = (await request(url, 'POST', path, { amount: n % 7 === 0 ? 1 : 10 + stream })).status;
      } catch (error) {
        if (killed) return;
        throw error;
      }
      expect(status).toBe(200); // withdrawals of 1 cent are always covered
      acks++;
      if (acks === pauseAfterAcks) pausing = request(url, 'POST', '/admin/projections/account-summary/pause');
      if (acks === killAfterAcks) {
        await pausing;
        first.kill('SIGKILL');
        killed = true;
      }
    }
  };
  await Promise.all(accounts.flatMap((id) => Array.from({ length: streamsPerAccount }, (_, i) => stream(id, i))));
  expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

  const second = AppProcess.start(env);
  cleanups.push(() => second.kill('SIGKILL'));
  const url2 = await second.listening();
  const call = (method: string, path: string, body?: unknown) => request(url2, method, path, body);

  // The pause survived the kill, and the summary waits behind the deposits made since.
  const statuses = (await call('GET', '/admin/projections')).body.projections;
  const summary = statuses.find((p: any) => p.name === 'account-summary');
  expect(summary.state).toBe('paused');
  expect(summary.offset).not.toBeNull();
  expect(summary.lagEvents).toBeGreaterThan(0);
  expect((await call('POST', '/admin/projections/account-summary/resume')).status).toBe(202);

  await caughtUp(call);
  const listed = (await allAccounts(call)).filter((a) => accounts.includes(a.id));
  expect(listed.map((a) => a.id)).toEqual(accounts);
  let events = 0;
  for (const account of listed) {
    const history = await allOperations(call, account.id);
    expect(history.operations.length).toBeGreaterThan(0);
    expect(account).toMatchObject({ owner: `Owner of ${account.id}`, balance: history.balance, operations: history.operations.length });
    const audit = await auditSequenceNrs(call, `Account|${account.id}`);
    // the opening, then every operation
    expect(audit).toEqual([1, ...history.operations.map((o: any) => o.sequenceNr)]);
    events += history.operations.length;
  }
  // every acknowledged operation is there (and some the killed process never answered)
  expect(events).toBeGreaterThanOrEqual(killAfterAcks);

  second.kill('SIGTERM');
  expect(await second.exited).toEqual({ code: 0, signal: null });
}

/** The sequence nrs of a persistenceId's events in the audit trail, oldest first, every page. */
async function auditSequenceNrs(call: (method: string, path: string) => Promise<{ readonly body: any }>, pid: string): Promise<number[]> {
  const seqs: number[] = [];
  let after: string | null = null;
  do {
    const body: any = (await call('GET', `/audit?pid=${encodeURIComponent(pid)}&order=oldest&limit=500${after === null ? '' : `&after=${after}`}`)).body;
    seqs.push(...body.events.map((e: any) => e.sequenceNr));
    after = body.next;
  } while (after !== null);
  return seqs;
}
