import { afterEach, describe, expect, it } from 'vitest';
import { AppProcess } from './testing/appProcess.test-support.js';
import { allOperations } from './testing/history.test-support.js';
import { request } from './testing/http.test-support.js';
import { tempDataDir } from './testing/testApp.test-support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const accounts = ['acc-1', 'acc-2', 'acc-3', 'acc-4'];
const streamsPerAccount = 3;
const killAfterAcks = 600;

describe('the app as a process', () => {
  it('keeps every acknowledged deposit, exactly once, when killed with SIGKILL in the middle of a stream of requests', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = AppProcess.start({ DATA_DIR: data.dir });
    cleanups.push(() => first.kill('SIGKILL'));
    const url = await first.listening();
    for (const id of accounts) expect((await request(url, 'POST', '/accounts', { id })).status).toBe(201);

    // Every deposit has its own amount, so each can be found (or found twice) in the history.
    let nextAmount = 1;
    const sentTo = new Map<number, string>();
    const acknowledged = new Map<number, string>();
    let killed = false;
    let failedAfterKill = 0;
    // Each stream sends deposits one after the other until the process is gone: requests keep
    // coming while SIGKILL lands, and every one answered 200 before that counts as acknowledged.
    const stream = async (id: string): Promise<void> => {
      for (;;) {
        const amount = nextAmount++;
        sentTo.set(amount, id);
        let status: number;
        try {
          status = (await request(url, 'POST', `/accounts/${id}/deposits`, { amount })).status;
        } catch (error) {
          if (!killed) throw error;
          failedAfterKill++;
          return;
        }
        expect(status, `deposit of ${amount} to ${id}`).toBe(200);
        acknowledged.set(amount, id);
        if (acknowledged.size === killAfterAcks) {
          first.kill('SIGKILL');
          killed = true;
        }
      }
    };
    const streams = accounts.flatMap((id) => Array.from({ length: streamsPerAccount }, () => stream(id)));
    await Promise.all(streams);
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // Every stream ended with a request the dead process never answered.
    expect(failedAfterKill).toBe(streams.length);

    const second = AppProcess.start({ DATA_DIR: data.dir });
    cleanups.push(() => second.kill('SIGKILL'));
    const url2 = await second.listening();

    let storedEvents = 0;
    const seen = new Set<number>();
    for (const id of accounts) {
      const history = await allOperations((method, path) => request(url2, method, path), id);
      const amounts: number[] = history.operations.map((o: { amount: number }) => o.amount);
      storedEvents += amounts.length;
      // event 1 is the opening, the operations follow without a gap
      expect(history.operations.map((o: { sequenceNr: number }) => o.sequenceNr)).toEqual(amounts.map((_, i) => i + 2));
      let running = 0;
      for (const operation of history.operations) {
        running += operation.amount;
        expect(operation.balanceAfter).toBe(running);
      }
      expect(history.balance).toBe(running);
      for (const amount of amounts) {
        expect(seen.has(amount), `deposit of ${amount} stored twice`).toBe(false);
        seen.add(amount);
        expect(sentTo.get(amount), `deposit of ${amount} stored on ${id}`).toBe(id);
      }
    }
    const lost = [...acknowledged.keys()].filter((amount) => !seen.has(amount));
    expect(lost, 'acknowledged deposits missing after the restart').toEqual([]);
    expect(acknowledged.size).toBeGreaterThanOrEqual(killAfterAcks);
    expect(storedEvents).toBe(seen.size);

    // A graceful stop afterwards: SIGTERM ends the process cleanly.
    second.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const messages = second.entries.map((e) => e['msg']);
    expect(messages.slice(messages.indexOf('shutting down'))).toEqual(['shutting down', 'HTTP server stopped; terminating the actor system', 'stopped']);
    expect(second.entries.find((e) => e['msg'] === 'shutting down')).toMatchObject({ level: 'info', signal: 'SIGTERM', pid: second.pid });
  });
});
