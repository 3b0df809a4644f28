import { SupervisorStrategy } from '@engram/core';
import { FaultInjectingJournal, LogCapture } from '@engram/core/testkit';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from './app.js';
import { loadConfig } from './config.js';
import { accountPersistenceId } from './domain/index.js';
import { allOperations } from './testing/history.test-support.js';
import { request } from './testing/http.test-support.js';
import { eventually } from './testing/readSide.test-support.js';
import { startTestApp, tempDataDir, type TestApp } from './testing/testApp.test-support.js';
import { WriteGate } from './testing/WriteGate.test-support.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function freshDir(): string {
  const data = tempDataDir();
  cleanups.push(data.remove);
  return data.dir;
}

async function started(env: Readonly<Record<string, string>>, options: Parameters<typeof startTestApp>[1] = {}): Promise<TestApp> {
  const t = await startTestApp(env, options);
  cleanups.push(() => t.app.stop());
  return t;
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function sqliteStores(dir: string) {
  const path = join(dir, 'engram.db');
  return { path, snapshotStore: new SqliteSnapshotStore({ path }) };
}

describe('the app across restarts', () => {
  it('keeps every account with its balance and history, and recovers none up front', async () => {
    const dir = freshDir();
    const first = await started({ DATA_DIR: dir });
    await first.call('POST', '/accounts', { id: 'alice', owner: 'Alice' });
    await first.call('POST', '/accounts', { id: 'bob' });
    await first.call('POST', '/accounts', { id: 'carol' });
    // 130 operations on alice: past the snapshot taken at 100, so her recovery uses it.
    for (let i = 1; i <= 130; i++) {
      const kind = i % 10 === 0 ? 'withdrawals' : 'deposits';
      expect((await first.call('POST', `/accounts/alice/${kind}`, { amount: i })).status).toBe(200);
    }
    await first.call('POST', '/accounts/bob/deposits', { amount: 500 });
    await first.call('POST', '/accounts/bob/withdrawals', { amount: 501 }); // refused: no event
    const aliceBefore = await allOperations(first.call, 'alice');
    const bobBefore = await allOperations(first.call, 'bob');
    const aliceAccount = (await first.call('GET', '/accounts/alice')).body;
    await first.app.stop();

    const second = await started({ DATA_DIR: dir });
    expect(await second.app.accounts.stats()).toEqual({ live: 0, passivating: 0 });
    expect(second.logs.find(`listening on ${second.app.url}`)).toHaveLength(1);

    expect(await allOperations(second.call, 'alice')).toEqual(aliceBefore);
    expect(aliceBefore.operations).toHaveLength(130);
    expect(await allOperations(second.call, 'bob')).toEqual(bobBefore);
    expect((await second.call('GET', '/accounts/alice')).body).toEqual(aliceAccount);
    expect((await second.call('GET', '/accounts/carol')).body).toMatchObject({ id: 'carol', owner: null, balance: 0, operations: 0 });
    expect((await second.call('POST', '/accounts', { id: 'bob' })).status).toBe(409);
    expect(await second.app.accounts.stats()).toEqual({ live: 3, passivating: 0 });

    // and it goes on where it stopped: the opening is event 1, the 130 operations 2 to 131
    const next = await second.call('POST', '/accounts/alice/deposits', { amount: 1 });
    expect(next.body.operation).toMatchObject({ sequenceNr: 132, balanceAfter: aliceAccount.balance + 1 });
  });

  it('stop() lets the request in flight finish and store its event, and takes no new requests', async () => {
    const dir = freshDir();
    const { path, snapshotStore } = sqliteStores(dir);
    const gate = new WriteGate(new SqliteJournal({ path }));
    const first = await started({ DATA_DIR: dir }, { stores: { journal: gate, snapshotStore } });
    await first.call('POST', '/accounts', { id: 'flight' });

    gate.hold();
    const inFlight = first.call('POST', '/accounts/flight/deposits', { amount: 25 });
    await gate.held; // the deposit is inside the app, its event on the way to the journal
    const stopping = first.app.stop();
    await expect(fetch(`${first.app.url}/accounts/flight`)).rejects.toThrow();
    gate.open();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    await stopping;
    expect(first.logs.entries.at(-1)?.message).toBe('stopped');

    const second = await started({ DATA_DIR: dir });
    expect((await allOperations(second.call, 'flight')).operations).toMatchObject([{ amount: 25, sequenceNr: 2 }]);
  });
});

describe('start-up, health and readiness', () => {
  it('binds the port first: /health answers at once, /ready and every other route 503 until the store is open', async () => {
    const dir = freshDir();
    const { path, snapshotStore } = sqliteStores(dir);
    const gate = new WriteGate(new SqliteJournal({ path }));
    gate.holdReads();
    const port = await freePort();
    const logs = new LogCapture();
    const starting = startApp({ config: loadConfig({ DATA_DIR: dir, PORT: String(port) }), logger: logs, stores: { journal: gate, snapshotStore } });
    const url = `http://127.0.0.1:${port}`;
    const health = await eventually('the port to be bound', () => request(url, 'GET', '/health').catch(() => undefined));
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'alive', phase: 'starting', pid: process.pid });
    const ready = await request(url, 'GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ ready: false, phase: 'starting', reason: 'the service is starting (opening the store)' });
    const early = await request(url, 'POST', '/accounts', { id: 'early' });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(early.body).toEqual({
      error: 'unavailable',
      message: 'the service is starting (opening the store); try again shortly (GET /ready answers 200 once it takes requests)',
    });

    gate.openReads();
    const app = await starting;
    cleanups.push(() => app.stop());
    expect((await request(url, 'GET', '/ready')).body).toEqual({ ready: true, phase: 'ready' });
    expect((await request(url, 'POST', '/accounts', { id: 'early' })).status).toBe(201);
    expect((await request(url, 'GET', '/health')).body).toMatchObject({ status: 'alive', phase: 'ready' });
  });

  it('answers /ready 503 while the store does not answer, saying why, and 200 once it does again', async () => {
    const dir = freshDir();
    const { path, snapshotStore } = sqliteStores(dir);
    const journal = new FaultInjectingJournal(new SqliteJournal({ path }));
    const t = await started({ DATA_DIR: dir }, { stores: { journal, snapshotStore } });
    journal.failHighestSequenceNr({ persistenceId: 'bank-readiness-probe', times: 2 });
    for (let i = 0; i < 2; i++) {
      const notReady = await t.call('GET', '/ready');
      expect(notReady.status).toBe(503);
      expect(notReady.body).toMatchObject({ ready: false, phase: 'ready' });
      expect(notReady.body.reason).toMatch(/^the store \(the stores given to startApp\) is unreachable: /);
    }
    expect((await t.call('GET', '/ready')).status).toBe(200);
    // one line when it went away, one when it came back
    expect(t.logs.find('the store does not answer', 'warn')).toHaveLength(1);
    expect(t.logs.find('the store answers again', 'info')).toHaveLength(1);
    expect((await t.call('GET', '/health')).status).toBe(200);
  });

  it('refuses to start when the store cannot be read, naming it, and releases the port', async () => {
    const dir = freshDir();
    const { path, snapshotStore } = sqliteStores(dir);
    const journal = new FaultInjectingJournal(new SqliteJournal({ path }));
    journal.failHighestSequenceNr({ persistenceId: 'bank-readiness-probe' });
    const port = await freePort();
    await expect(startTestApp({ DATA_DIR: dir, PORT: String(port) }, { stores: { journal, snapshotStore } })).rejects.toThrow(
      /^the store \(the stores given to startApp\) is unreachable: /,
    );
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('refuses to start on a store written by the earlier version (an account directory), saying what to do, and changes nothing', async () => {
    const dir = freshDir();
    const journal = new SqliteJournal({ path: join(dir, 'engram.db') });
    const opened = { type: 'AccountOpened', id: 'old', owner: 'Olga', at: 0 };
    const repr = { persistenceId: 'AccountDirectory', sequenceNr: 1, serializerId: 1, manifest: 'AccountOpened', payload: JSON.stringify(opened), writerUuid: 'v1', timestamp: 0, tags: ['account-directory'] };
    await journal.writeMessages([{ persistenceId: 'AccountDirectory', events: [repr] }]);
    await journal.close();

    await expect(startTestApp({ DATA_DIR: dir })).rejects.toThrow(
      `the store (SQLite at ${join(dir, 'engram.db')}) holds 1 account written by an earlier version of this example ` +
        '(in the account directory, persistenceId AccountDirectory), which this version does not read: nothing was changed. ' +
        'Start this version on an empty store (another DATA_DIR, or another ENGRAM_POSTGRES_SCHEMA), or keep running the earlier version on this one',
    );
    const after = new SqliteJournal({ path: join(dir, 'engram.db') });
    expect(await after.readHighestSequenceNr('AccountDirectory', 0)).toBe(1);
    await after.close();
  });
});

describe('passivation on the real clock', () => {
  it('takes idle accounts out of memory after ACCOUNT_IDLE_MS and loses nothing sent around the moment they stop', async () => {
    const t = await started({ DATA_DIR: freshDir(), ACCOUNT_IDLE_MS: '20' });
    const ids = ['idle-1', 'idle-2', 'idle-3'];
    for (const id of ids) expect((await t.call('POST', '/accounts', { id })).status).toBe(201);
    await eventually('the accounts to be passivated', async () => ((await t.app.accounts.stats()).live === 0 ? true : undefined));

    // Streams with pauses around the idle time: commands keep landing while actors passivate.
    // Halfway, every stream waits for all the others and then pauses well past the idle time, so
    // each account passivates mid-stream at least once whatever the machine's speed.
    const streams = ids.length * 2;
    let halfway = 0;
    let allHalfway!: () => void;
    const allAtHalfway = new Promise<void>((resolve) => (allHalfway = resolve));
    const stream = async (id: string, stream: number): Promise<number> => {
      let sum = 0;
      for (let i = 1; i <= 40; i++) {
        const amount = stream * 1_000 + i;
        const reply = await t.call('POST', `/accounts/${id}/deposits`, { amount });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        sum += amount;
        if (i === 20) {
          if (++halfway === streams) allHalfway();
          await allAtHalfway;
          await new Promise((resolve) => setTimeout(resolve, 100));
        } else if (i % 4 === 0) {
          await new Promise((resolve) => setTimeout(resolve, 15 + ((i * 7 + stream) % 15)));
        }
      }
      return sum;
    };
    const sums = await Promise.all(ids.flatMap((id) => [1, 2].map(async (s) => ({ id, sum: await stream(id, s) }))));
    for (const id of ids) {
      const expected = sums.filter((s) => s.id === id).reduce((total, s) => total + s.sum, 0);
      expect((await t.call('GET', `/accounts/${id}`)).body).toMatchObject({ balance: expected, operations: 80 });
    }
    expect(t.logs.find('passivating account idle-1: idle for 20 ms', 'debug').length).toBeGreaterThan(1);
  });
});

describe('storage trouble', () => {
  function faultyStores(dir: string) {
    const { path, snapshotStore } = sqliteStores(dir);
    const journal = new FaultInjectingJournal(new SqliteJournal({ path }));
    return { journal, stores: { journal, snapshotStore } };
  }

  const quickBackoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1, maxBackoffMs: 5, randomFactor: 0 });

  // The ask timeout is far away: a 503 can only come from the account answering at once.
  const patient = { ASK_TIMEOUT_MS: '600000' };

  it('a failed write is answered 503 at once, naming the account; the account comes back and serves the next one', async () => {
    const dir = freshDir();
    const { journal, stores } = faultyStores(dir);
    const t = await started({ DATA_DIR: dir, ...patient }, { stores, onPersistFailure: quickBackoff });
    await t.call('POST', '/accounts', { id: 'hiccup' });
    await t.call('POST', '/accounts/hiccup/deposits', { amount: 100 });

    journal.failWrite({ persistenceId: accountPersistenceId('hiccup') });
    const failed = await t.call('POST', '/accounts/hiccup/deposits', { amount: 5 });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(failed.body).toEqual({
      error: 'unavailable',
      id: 'hiccup',
      message:
        'account hiccup is unavailable: its store failed while writing the deposit (JournalFailure); try again shortly. ' +
        'A deposit or withdrawal answered 503 may or may not have been applied: repeat it with the same Idempotency-Key ' +
        'and it is applied exactly once (without a key, check the history before repeating it).',
    });

    const after = await t.call('POST', '/accounts/hiccup/deposits', { amount: 7 });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ balance: 107, operation: { sequenceNr: 3 } });
    const restarts = t.logs.find('restarting', 'error');
    expect(restarts.map((e) => [e.fields['actor'], (e.fields['err'] as Error).name])).toEqual([
      ['engram://bank/user/accounts/account-hiccup', 'JournalFailure'],
    ]);
    expect(t.logs.find('request answered 503', 'warn').map((e) => e.fields['account'])).toEqual(['hiccup']);
  });

  it('answers every request around a failed write at once: 503 for those not stored, 200 for the others', async () => {
    const dir = freshDir();
    const { journal, stores } = faultyStores(dir);
    const t = await started({ DATA_DIR: dir, ...patient }, { stores, onPersistFailure: quickBackoff });
    await t.call('POST', '/accounts', { id: 'crowd' });
    journal.failWrite({ persistenceId: accountPersistenceId('crowd') });
    const amounts = Array.from({ length: 20 }, (_, i) => i + 1);
    const replies = await Promise.all(amounts.map((amount) => t.call('POST', '/accounts/crowd/deposits', { amount })));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200, 503]));
    const applied = replies.filter((r) => r.status === 200).map((r) => r.body.operation.amount as number);
    const history = await allOperations(t.call, 'crowd');
    expect(history.operations.map((o: any) => o.amount).sort((a: number, b: number) => a - b)).toEqual([...applied].sort((a, b) => a - b));
    expect(history.balance).toBe(applied.reduce((sum, amount) => sum + amount, 0));
  });

  it('a write the store rejects is answered 503 at once; the account goes on without restarting', async () => {
    const dir = freshDir();
    const { journal, stores } = faultyStores(dir);
    const t = await started({ DATA_DIR: dir, ...patient }, { stores, onPersistFailure: quickBackoff });
    await t.call('POST', '/accounts', { id: 'picky' });
    journal.rejectWrite({ persistenceId: accountPersistenceId('picky') });
    const rejected = await t.call('POST', '/accounts/picky/deposits', { amount: 9 });
    expect(rejected.status).toBe(503);
    expect(rejected.body.message).toMatch(/^account picky is unavailable: the store refused the deposit, which was not applied \(EventRejected\); /);
    expect(await t.call('POST', '/accounts/picky/deposits', { amount: 4 })).toMatchObject({ status: 200, body: { balance: 4, operation: { sequenceNr: 2 } } });
    expect(t.logs.find('restarting', 'error')).toEqual([]);
  });

  it('a request waiting when the actor system stops is answered 503 at once', async () => {
    const dir = freshDir();
    const { path, snapshotStore } = sqliteStores(dir);
    const gate = new WriteGate(new SqliteJournal({ path }));
    const t = await startTestApp({ DATA_DIR: dir, ...patient }, { stores: { journal: gate, snapshotStore } });
    await t.call('POST', '/accounts', { id: 'late' });
    gate.hold();
    const waiting = t.call('POST', '/accounts/late/deposits', { amount: 3 });
    await gate.held;
    const terminating = t.app.system.terminate();
    const reply = await waiting;
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ error: 'unavailable', id: 'late' });
    expect(reply.body.message).toMatch(/^account late is unavailable: the service stopped before the account answered; /);
    gate.open();
    await terminating;
    await t.app.stop();
  });

  it('an account whose recovery fails is recovered again with backoff when asked for', async () => {
    const dir = freshDir();
    const first = await started({ DATA_DIR: dir });
    await first.call('POST', '/accounts', { id: 'shaky' });
    await first.call('POST', '/accounts/shaky/deposits', { amount: 42 });
    await first.app.stop();

    const { journal, stores } = faultyStores(dir);
    journal.failReplay({ persistenceId: accountPersistenceId('shaky') });
    const t = await started({ DATA_DIR: dir }, { stores, onPersistFailure: quickBackoff });
    expect((await t.call('GET', '/accounts/shaky')).body).toMatchObject({ balance: 42, operations: 1 });
    const errors = t.logs.entries.filter((e) => e.level === 'error' && String(e.fields['actor']).endsWith('account-shaky'));
    expect(errors.map((e) => [e.message, (e.fields['err'] as Error).name])).toEqual([
      ['recovery failed', 'RecoveryFailed'],
      ['failed; restarting in 1 ms (restart 1 with backoff)', 'RecoveryFailed'],
    ]);
  });
});
