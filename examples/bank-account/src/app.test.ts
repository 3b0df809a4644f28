import { SupervisorStrategy } from '@engram/core';
import { FaultInjectingJournal } from '@engram/core/testkit';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountPersistenceId, directoryPersistenceId } from './domain/index.js';
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

/** The message of the single recovery log line. */
function recoveryLine(t: TestApp): string {
  const lines = t.logs.find('recovered ', 'info');
  expect(lines).toHaveLength(1);
  return lines[0]!.message;
}

describe('the app across restarts', () => {
  it('logs an empty recovery on a fresh data directory', async () => {
    const t = await started({ DATA_DIR: freshDir() });
    expect(recoveryLine(t)).toMatch(/^recovered 0 accounts \(0 events\) in \d+ ms$/);
    expect(t.app.recovery).toMatchObject({ accounts: 0, events: 0, eventsReplayed: 0, failed: [] });
    expect(t.logs.find(`listening on ${t.app.url}`)).toHaveLength(1);
  });

  it('recovers every account with its balance and history, and logs how many accounts and events', async () => {
    const dir = freshDir();
    const first = await started({ DATA_DIR: dir });
    await first.call('POST', '/accounts', { id: 'alice', owner: 'Alice' });
    await first.call('POST', '/accounts', { id: 'bob' });
    await first.call('POST', '/accounts', { id: 'carol' });
    // 130 operations on alice: past the snapshot taken at 100, so recovery uses it.
    for (let i = 1; i <= 130; i++) {
      const kind = i % 10 === 0 ? 'withdrawals' : 'deposits';
      expect((await first.call('POST', `/accounts/alice/${kind}`, { amount: i })).status).toBe(200);
    }
    await first.call('POST', '/accounts/bob/deposits', { amount: 500 });
    await first.call('POST', '/accounts/bob/withdrawals', { amount: 501 }); // refused: no event
    const aliceBefore = (await first.call('GET', '/accounts/alice/history')).body;
    const bobBefore = (await first.call('GET', '/accounts/bob/history')).body;
    const aliceAccount = (await first.call('GET', '/accounts/alice')).body;
    await first.app.stop();

    const second = await started({ DATA_DIR: dir });
    expect(recoveryLine(second)).toMatch(/^recovered 3 accounts \(131 events\) in \d+ ms$/);
    // alice from her snapshot at 100 plus 30 events, bob's single event, carol's none.
    expect(second.app.recovery).toMatchObject({ accounts: 3, events: 131, eventsReplayed: 31, failed: [] });
    expect(second.logs.find('recovered ', 'info')[0]!.fields).toMatchObject({ eventsReplayed: 31, eventsFromSnapshots: 100 });

    expect((await second.call('GET', '/accounts/alice/history')).body).toEqual(aliceBefore);
    expect((await second.call('GET', '/accounts/bob/history')).body).toEqual(bobBefore);
    expect((await second.call('GET', '/accounts/alice')).body).toEqual(aliceAccount);
    expect((await second.call('GET', '/accounts/carol')).body).toMatchObject({ id: 'carol', owner: null, balance: 0, operations: 0 });
    expect((await second.call('POST', '/accounts', { id: 'bob' })).status).toBe(409);

    // and it goes on where it stopped
    const next = await second.call('POST', '/accounts/alice/deposits', { amount: 1 });
    expect(next.body.operation).toMatchObject({ sequenceNr: 131, balanceAfter: aliceAccount.balance + 1 });
  });

  it('stop() lets the request in flight finish and store its event, and takes no new requests', async () => {
    const dir = freshDir();
    const path = join(dir, 'engram.db');
    const gate = new WriteGate(new SqliteJournal({ path }));
    const first = await started({ DATA_DIR: dir }, { stores: { journal: gate, snapshotStore: new SqliteSnapshotStore({ path }) } });
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
    expect((await second.call('GET', '/accounts/flight/history')).body.operations).toMatchObject([{ amount: 25, sequenceNr: 1 }]);
  });
});

describe('storage trouble', () => {
  function faultyStores(dir: string) {
    const path = join(dir, 'engram.db');
    const journal = new FaultInjectingJournal(new SqliteJournal({ path }));
    return { journal, stores: { journal, snapshotStore: new SqliteSnapshotStore({ path }) } };
  }

  const quickBackoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 1, maxBackoffMs: 5, randomFactor: 0 });

  it('a failed write is a 503 for its request; the account comes back and serves the next one', async () => {
    const dir = freshDir();
    const { journal, stores } = faultyStores(dir);
    const t = await started({ DATA_DIR: dir, ASK_TIMEOUT_MS: '300' }, { stores, onPersistFailure: quickBackoff });
    await t.call('POST', '/accounts', { id: 'hiccup' });
    await t.call('POST', '/accounts/hiccup/deposits', { amount: 100 });

    journal.failWrite({ persistenceId: accountPersistenceId('hiccup') });
    const failed = await t.call('POST', '/accounts/hiccup/deposits', { amount: 5 });
    expect(failed.status).toBe(503);
    expect(failed.body.error).toBe('unavailable');
    expect(failed.body.message).toContain('check the history before repeating it');
    expect(JSON.stringify(failed.body)).not.toMatch(/InjectedFault|at .*\.ts/);

    const after = await t.call('POST', '/accounts/hiccup/deposits', { amount: 7 });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ balance: 107, operation: { sequenceNr: 2 } });
    const restarts = t.logs.find('restarting', 'error');
    expect(restarts.map((e) => [e.fields['actor'], (e.fields['err'] as Error).name])).toEqual([
      ['engram://bank/user/account-hiccup', 'JournalFailure'],
    ]);
  });

  it('an account whose first recovery fails is reported at start and recovers with backoff', async () => {
    const dir = freshDir();
    const first = await started({ DATA_DIR: dir });
    await first.call('POST', '/accounts', { id: 'shaky' });
    await first.call('POST', '/accounts/shaky/deposits', { amount: 42 });
    await first.call('POST', '/accounts', { id: 'steady' });
    await first.app.stop();

    const { journal, stores } = faultyStores(dir);
    journal.failReplay({ persistenceId: accountPersistenceId('shaky') });
    const t = await started({ DATA_DIR: dir }, { stores, onPersistFailure: quickBackoff });
    expect(recoveryLine(t)).toMatch(/^recovered 1 account \(0 events\) in \d+ ms$/);
    expect(t.app.recovery.failed.map((f) => f.id)).toEqual(['shaky']);
    expect(t.logs.find('account shaky could not be recovered', 'error')).toHaveLength(1);
    expect((await t.call('GET', '/accounts/shaky')).body).toMatchObject({ balance: 42, operations: 1 });
  });

  it('refuses to start when the account directory cannot be read, naming it', async () => {
    const dir = freshDir();
    const { journal, stores } = faultyStores(dir);
    journal.failHighestSequenceNr({ persistenceId: directoryPersistenceId });
    await expect(startTestApp({ DATA_DIR: dir }, { stores })).rejects.toThrow(
      /^the account directory \(persistenceId AccountDirectory\) could not be recovered: /,
    );
  });
});
