import {
  Effect,
  eventSourced,
  SupervisorStrategy,
  type ActorRef,
  type Behavior,
  type Journal,
  type PersistentRepr,
} from '@engram/core';
import { ActorTestKit } from '@engram/core/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresJournal } from './journal/PostgresJournal.js';
import { PostgresSnapshotStore } from './snapshot/PostgresSnapshotStore.js';
import { lockedBackend, taggedPool } from './testing/faults.test-support.js';
import { postgresForTests } from './testing/postgresForTests.test-support.js';
import { PrivateCluster } from './testing/privateCluster.test-support.js';

/**
 * Storage faults as persistent actors see them: a connection killed in the middle of a group
 * commit, and a server restart. In-flight persists fail with JournalFailure, the actors stop and
 * come back with backoff (on the test kit's manual clock), and afterwards every acknowledged event
 * is stored exactly once.
 */

type Command = { readonly amount: number; readonly replyTo: ActorRef<number> };
type Deposited = { readonly type: 'Deposited'; readonly amount: number };

const backoff = SupervisorStrategy.restartWithBackoff({ minBackoffMs: 100, maxBackoffMs: 800, randomFactor: 0 });

/** An account that acknowledges a deposit with its (unique) amount once the event is stored. */
function account(id: string): Behavior<Command> {
  return eventSourced<Command, Deposited, number>({
    persistenceId: `Account|${id}`,
    emptyState: 0,
    commandHandler: (_state, command): Effect<Deposited, number> =>
      Effect.persist({ type: 'Deposited', amount: command.amount }).thenReply(command.replyTo, () => command.amount),
    eventHandler: (state, event) => state + event.amount,
    onPersistFailure: backoff,
  });
}

interface Scenario {
  readonly kit: ActorTestKit;
  readonly ids: readonly string[];
  /** Amounts whose deposit was acknowledged (every amount is used once). */
  acknowledged(): ReadonlySet<number>;
  /** Sends one deposit with a fresh amount to every account. */
  sendRound(): void;
}

function scenario(journal: Journal, snapshotStore: PostgresSnapshotStore, label: string, accountCount: number): Scenario {
  const kit = ActorTestKit.create({ name: label, config: { persistence: { journal, snapshotStore } } });
  const ids = Array.from({ length: accountCount }, (_, i) => `${label}-${i}`);
  const accounts = ids.map((id) => kit.spawn(account(id), id));
  const acks = kit.createTestProbe<number>();
  let next = 1;
  return {
    kit,
    ids,
    acknowledged: () => new Set(acks.messages),
    sendRound: () => {
      for (const ref of accounts) ref.tell({ amount: next++, replyTo: acks.ref });
    },
  };
}

/** Every stored amount of the scenario's accounts, per account. */
async function storedAmounts(journal: Journal, ids: readonly string[]): Promise<number[][]> {
  const all: number[][] = [];
  for (const id of ids) {
    const amounts: number[] = [];
    await journal.replayMessages(`Account|${id}`, 1, Infinity, Infinity, (repr: PersistentRepr) =>
      amounts.push((JSON.parse(repr.payload as string) as Deposited).amount),
    );
    all.push(amounts);
  }
  return all;
}

function expectExactlyOnce(stored: readonly number[][], acknowledged: ReadonlySet<number>): void {
  const flat = stored.flat();
  expect(new Set(flat).size, 'no event is stored twice').toBe(flat.length);
  const missing = [...acknowledged].filter((amount) => !flat.includes(amount));
  expect(missing, 'every acknowledged event is stored').toEqual([]);
}

const db = await postgresForTests('engine-faults');

describe.skipIf(!db.available)('persistent actors on PostgreSQL: a connection killed mid-write', () => {
  it('in-flight persists fail with JournalFailure, the actors come back with backoff, nothing acknowledged is lost or doubled', async () => {
    const { pool, applicationName } = taggedPool(db.url, 'engine-kill', 4);
    const journal = new PostgresJournal({ pool, schema: db.schema });
    const snapshotStore = new PostgresSnapshotStore({ pool, schema: db.schema });
    const s = scenario(journal, snapshotStore, 'kill', 20);
    try {
      for (let round = 0; round < 3; round++) {
        s.sendRound();
        await s.kit.settle();
      }
      expect(s.acknowledged().size).toBe(60);

      // Hold the events table so the next group commit waits inside the server, then kill it there.
      const admin = db.admin();
      const blocker = await admin.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query(`LOCK TABLE "${db.schema}".engram_journal IN EXCLUSIVE MODE`);
        s.sendRound();
        const waiting = await lockedBackend(admin, applicationName);
        const killed = await admin.query('SELECT pg_terminate_backend($1)', [waiting]);
        expect(killed.rowCount).toBe(1);
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
      await s.kit.settle();
      expect(s.kit.logs.find('restarting in 100 ms', 'error'), 'every actor of the killed call failed').toHaveLength(20);
      const failure = s.kit.logs.find('restarting in 100 ms', 'error')[0]!.fields['err'] as Error;
      expect(failure.name).toBe('JournalFailure');
      expect(failure.message).toMatch(/^journal failed to persist event Deposited \(sequence nr 4\) of persistenceId "Account\|kill-\d+"; the actor stops: /);

      // The actors come back after the backoff, recover what was stored, and take new commands.
      await s.kit.advance(100);
      s.sendRound();
      await s.kit.settle();
      expect(s.acknowledged().size).toBe(80);
      expectExactlyOnce(await storedAmounts(journal, s.ids), s.acknowledged());
    } finally {
      await s.kit.shutdown();
      await pool.end();
    }
  });
});

describe.skipIf(!db.available)('persistent actors on PostgreSQL: an event over the size limit', () => {
  it('is rejected (EventRejected), not a failure: the actor goes on and later events are stored', async () => {
    const journal = new PostgresJournal({ connectionString: db.url, schema: db.schema, maxPayloadBytes: 64, poolSize: 2 });
    const snapshotStore = new PostgresSnapshotStore({ connectionString: db.url, schema: db.schema, poolSize: 1 });
    const kit = ActorTestKit.create({ name: 'toolarge', config: { persistence: { journal, snapshotStore } } });
    try {
      type Note = { readonly text: string; readonly replyTo: ActorRef<string> };
      const notes = kit.spawn(
        eventSourced<Note, { readonly type: 'Noted'; readonly text: string }, number>({
          persistenceId: 'Notes|1',
          emptyState: 0,
          commandHandler: (_s, note): Effect<{ readonly type: 'Noted'; readonly text: string }, number> =>
            Effect.persist({ type: 'Noted', text: note.text }).thenReply(note.replyTo, (count) => `${count} notes`),
          eventHandler: (count) => count + 1,
          onPersistFailure: backoff,
        }),
      );
      const replies = kit.createTestProbe<string>();
      notes.tell({ text: 'x'.repeat(100), replyTo: replies.ref });
      notes.tell({ text: 'short', replyTo: replies.ref });
      await replies.expectMessage('1 notes');
      await replies.expectNoMessage();
      const rejected = kit.logs.find('event rejected', 'warn');
      expect(rejected).toHaveLength(1);
      expect((rejected[0]!.fields['err'] as Error).message).toMatch(
        /^event Noted \(sequence nr 1\) of persistenceId "Notes\|1" was rejected and not stored: .*64 bytes/,
      );
      expect(kit.logs.find('restarting in', 'error')).toEqual([]);
    } finally {
      await kit.shutdown();
    }
  });
});

const cluster = await PrivateCluster.create();
if (typeof cluster === 'string') console.warn(`[engine-faults] skipping the server-restart test: ${cluster}`);

describe.skipIf(typeof cluster === 'string')('persistent actors on PostgreSQL: a server restart', () => {
  const server = cluster as PrivateCluster;
  afterAll(() => server.destroy());

  it('actors fail while the server is down, retry with backoff, recover once it is back; every acknowledged event is stored once', async () => {
    const journal = new PostgresJournal({ connectionString: server.url, poolSize: 4, connectTimeoutMs: 2000 });
    const snapshotStore = new PostgresSnapshotStore({ connectionString: server.url, poolSize: 2, connectTimeoutMs: 2000 });
    const s = scenario(journal, snapshotStore, 'restart', 10);
    try {
      s.sendRound();
      await s.kit.settle();
      expect(s.acknowledged().size).toBe(10);

      await server.stop('immediate');
      s.sendRound();
      await s.kit.settle();
      // Every actor's write failed; while the server stays down, each restart's recovery fails too.
      expect(s.kit.logs.find('restarting in 100 ms', 'error')).toHaveLength(10);
      await s.kit.advance(100);
      expect(s.kit.logs.find('recovery failed', 'error').length).toBeGreaterThanOrEqual(10);
      expect(s.acknowledged().size).toBe(10);

      await server.start();
      // The next backoff (200 ms) restarts them against the running server. The deposits whose
      // writes failed were never acknowledged; new ones are.
      await s.kit.advance(200);
      s.sendRound();
      await s.kit.settle();
      expect(s.acknowledged().size).toBe(20);
      expectExactlyOnce(await storedAmounts(journal, s.ids), s.acknowledged());
    } finally {
      await s.kit.shutdown();
    }
  });
});

