import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../testing/readSide.test-support.js';
import { startTestApp, tempDataDir, type TestApp } from '../testing/testApp.test-support.js';
import { subjectFor, subjectToken } from './subjects.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A port on which nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('subjects', () => {
  it('turn every persistenceId into one token of its own', () => {
    expect(subjectFor('bank.events', 'Account|alice')).toBe('bank.events.Account_7Calice');
    expect(subjectToken('Account|a.b_c d*>é')).toBe('Account_7Ca_2Eb_5Fc_20d_2A_3E_C3_A9');
    const ids = ['a.b', 'a_2Eb', 'a_b', 'a_5Fb', 'AccountDirectory', 'Account|x'];
    const tokens = ids.map(subjectToken);
    expect(new Set(tokens).size).toBe(ids.length);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('the NATS publisher without a broker', () => {
  it('lets the app start and serve, and shows the failure in its status while retrying', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const port = await closedPort();
    const t: TestApp = await startTestApp({
      DATA_DIR: data.dir,
      ENGRAM_NATS_URL: `nats://user:secret@127.0.0.1:${port}`,
      ENGRAM_NATS_TIMEOUT_MS: '200',
    });
    cleanups.push(() => t.app.stop());
    expect((await t.call('POST', '/accounts', { id: 'offline' })).status).toBe(201);
    expect((await t.call('POST', '/accounts/offline/deposits', { amount: 5 })).status).toBe(200);

    const failing = await eventually('the publisher reporting the broker as unreachable', async () => {
      const projections: any[] = (await t.call('GET', '/admin/projections')).body.projections;
      const publisher = projections.find((p) => p.name === 'nats-publisher');
      return publisher?.lastError === null ? undefined : { publisher, projections };
    });
    expect(failing.publisher.lastError.message).toContain(`NATS at nats://127.0.0.1:${port} is unavailable: could not connect within 200 ms`);
    expect(failing.publisher.lastError.message).not.toContain('secret');
    expect(failing.publisher.lastError.envelopeId).toBe('Account|offline:1');
    expect(failing.publisher.offset).toBeNull();
    expect(failing.publisher.lagEvents).toBe(2);
    // the read models are not held back by the publisher
    const others = failing.projections.filter((p: any) => p.name !== 'nats-publisher');
    expect(others.map((p: any) => p.lastError)).toEqual([null, null]);
    const accounts = await eventually('the summary showing the deposit', async () => {
      const body = (await t.call('GET', '/accounts')).body;
      return body.accounts[0]?.balance === 5 ? body.accounts : undefined;
    });
    expect(accounts).toMatchObject([{ id: 'offline', balance: 5, operations: 1 }]);
    expect(t.logs.find('', 'warn').concat(t.logs.find('', 'error')).some((e) => String(e.message).includes('nats-publisher'))).toBe(true);
  });
});
