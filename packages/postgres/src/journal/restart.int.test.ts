import type { AtomicWrite } from '@engram/core/spi';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStoreError } from '../errors/index.js';
import { atomic } from '../testing/events.test-support.js';
import { PrivateCluster } from '../testing/privateCluster.test-support.js';
import { PostgresJournal } from './PostgresJournal.js';

// Stops and starts a server, so it runs against a throwaway cluster of its own, never the shared one.
const cluster = await PrivateCluster.create();
if (typeof cluster === 'string') console.warn(`[restart] skipping the server-restart tests: ${cluster}`);

describe.skipIf(typeof cluster === 'string')('PostgresJournal across a server restart', () => {
  const server = cluster as PrivateCluster;
  afterAll(() => server.destroy());

  it('fails while the server is down, works again once it is back, and loses no acknowledged write', async () => {
    const journal = new PostgresJournal({ connectionString: server.url, poolSize: 4 });
    const outcomes: { writes: AtomicWrite[]; ok: boolean }[] = [];
    const failures: unknown[] = [];
    const state: { phase: 'before' | 'down' | 'after' } = { phase: 'before' };
    let okAfter = 0;
    let okBefore = 0;
    let stop = false;
    let stopped: () => void = () => {};
    const reachedBefore = new Promise<void>((resolve) => (stopped = resolve));
    let back: () => void = () => {};
    const reachedAfter = new Promise<void>((resolve) => (back = resolve));
    let failedWhileDown: () => void = () => {};
    const sawFailure = new Promise<void>((resolve) => (failedWhileDown = resolve));

    const writer = (async () => {
      for (let call = 0; !stop; call++) {
        const writes = Array.from({ length: 10 }, (_, i) => atomic(`restart|${call}|${i}`, [1, 2]));
        try {
          const results = await journal.writeMessages(writes);
          expect(results.every((r) => r === undefined)).toBe(true);
          outcomes.push({ writes, ok: true });
          if (state.phase === 'before' && ++okBefore === 20) stopped();
          if (state.phase === 'after' && ++okAfter === 20) back();
        } catch (error) {
          failures.push(error);
          outcomes.push({ writes, ok: false });
          if (state.phase === 'down') failedWhileDown();
        }
      }
    })();

    await reachedBefore;
    state.phase = 'down';
    await server.stop('immediate');
    await sawFailure;
    await server.start();
    state.phase = 'after';
    await reachedAfter;
    stop = true;
    await writer;

    console.info(`${outcomes.length} calls, ${failures.length} failed while the server was down or restarting`);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(PostgresStoreError);
      expect(failure).toMatchObject({ operation: 'writeMessages' });
    }
    // Once down, new calls name the server they cannot reach.
    expect(failures.some((f) => (f as Error).message.includes(`cannot connect to PostgreSQL at 127.0.0.1:${server.port}`))).toBe(true);

    for (const { writes, ok } of outcomes) {
      for (const write of writes) {
        const seqs: number[] = [];
        await journal.replayMessages(write.persistenceId, 1, Infinity, Infinity, (e) => seqs.push(e.sequenceNr));
        if (ok) expect(seqs, `acknowledged ${write.persistenceId}`).toEqual([1, 2]);
        else expect([[], [1, 2]]).toContainEqual(seqs);
      }
    }
    await journal.close();
  });

  it('a journal created while the server is down names the server, and migrates once it is up', async () => {
    await server.stop('fast');
    const journal = new PostgresJournal({ connectionString: server.url, schema: 'late_start' });
    try {
      await expect(journal.writeMessages([atomic('late', [1])])).rejects.toThrow(
        `cannot connect to PostgreSQL at 127.0.0.1:${server.port}, database "postgres"`,
      );
      await server.start();
      expect(await journal.writeMessages([atomic('late', [1])])).toEqual([undefined]);
      expect(await journal.readHighestSequenceNr('late', 0)).toBe(1);
    } finally {
      await journal.close();
    }
  });
});
