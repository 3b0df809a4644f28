import { Persistence } from '@engram/core';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, eventCounts, freshSchema, postgresAvailable, postgresUrl } from './testing/postgres.test-support.js';
import { startTestApp } from './testing/testApp.test-support.js';

const available = await postgresAvailable('bank-account');
const schema = freshSchema('bank');

afterAll(async () => {
  if (available) await dropSchema(schema);
});

describe.skipIf(!available)('the app on PostgreSQL', () => {
  it('stores accounts in the schema of ENGRAM_POSTGRES_SCHEMA and recovers them after a restart', async () => {
    const env = { ENGRAM_POSTGRES_URL: postgresUrl, ENGRAM_POSTGRES_SCHEMA: schema };
    const first = await startTestApp(env);
    try {
      expect(first.logs.find('starting the bank-account service')[0]?.fields['store']).toBe(
        `PostgreSQL at ${new URL(postgresUrl).host}${new URL(postgresUrl).pathname}, schema ${schema}`,
      );
      expect((await first.call('POST', '/accounts', { id: 'pg-1', owner: 'Edgar' })).status).toBe(201);
      expect((await first.call('POST', '/accounts', { id: 'pg-2' })).status).toBe(201);
      for (let i = 1; i <= 105; i++) expect((await first.call('POST', '/accounts/pg-1/deposits', { amount: i })).status).toBe(200);
      expect((await first.call('POST', '/accounts/pg-1/withdrawals', { amount: 5_000 })).status).toBe(200);
      const refused = await first.call('POST', '/accounts/pg-2/withdrawals', { amount: 1 });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('insufficient_funds');
    } finally {
      await first.app.stop();
    }

    // each account's own journal: the opening, then its operations; no directory
    expect(await eventCounts(schema)).toEqual({ 'Account|pg-1': 107, 'Account|pg-2': 1 });

    const second = await startTestApp(env);
    try {
      expect(await second.app.accounts.stats()).toEqual({ live: 0, passivating: 0 });
      expect((await second.call('GET', '/ready')).body).toEqual({ ready: true, phase: 'ready' });
      const replayed: number[] = [];
      Persistence.get(second.app.system).inspect((event) => {
        if (event.type === 'RecoveryCompleted' && event.persistenceId === 'Account|pg-1') replayed.push(event.eventsReplayed);
      });
      expect((await second.call('GET', '/accounts/pg-1')).body).toMatchObject({ owner: 'Edgar', balance: (105 * 106) / 2 - 5_000, operations: 106 });
      expect(replayed).toEqual([7]); // the snapshot at 100 covers the rest
      const history = (await second.call('GET', '/accounts/pg-1/history?limit=2')).body;
      expect(history.operations).toMatchObject([
        { sequenceNr: 107, type: 'withdrawal', amount: 5_000 },
        { sequenceNr: 106, type: 'deposit', amount: 105 },
      ]);
      expect(history.next).toBe(106);
      expect((await second.call('POST', '/accounts', { id: 'pg-2' })).status).toBe(409);
    } finally {
      await second.app.stop();
    }
  });
});
