import { ActorSystem, ask, Effect, eventSourced, PersistenceQuery, type ActorRef, type EventEnvelope } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresJournal } from '../journal/PostgresJournal.js';
import { postgresForTests } from '../testing/postgresForTests.test-support.js';
import { key } from './LiveQuery.test-support.js';
import { PostgresReadJournal } from './PostgresReadJournal.js';
import { waitFor, withDeadline } from './waitFor.test-support.js';

type Command = { readonly amount: number; readonly replyTo: ActorRef<number> };
type Deposited = { readonly type: 'Deposited'; readonly amount: number };

const db = await postgresForTests('persistence_query');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function account(id: string) {
  return eventSourced<Command, Deposited, number>({
    persistenceId: `Account|${id}`,
    emptyState: 0,
    commandHandler: (_state, command) =>
      Effect.persist<Deposited>({ type: 'Deposited', amount: command.amount }).thenReply(command.replyTo, (s) => s),
    eventHandler: (state, event) => state + event.amount,
    tagger: (event) => (event.amount >= 100 ? ['large'] : []),
  });
}

function start(schema: string) {
  const journal = new PostgresJournal({ connectionString: db.url, schema });
  const system = ActorSystem.create('postgres-query', { persistence: { journal }, logLevel: 'error' });
  cleanups.push(() => system.terminate());
  const refs = new Map<string, ActorRef<Command>>();
  const deposit = async (id: string, amount: number) => {
    let ref = refs.get(id);
    if (ref === undefined) {
      ref = system.spawn(account(id), `account-${id}`);
      refs.set(id, ref);
    }
    return ask<Command, number>(ref, (replyTo) => ({ amount, replyTo }), { timeoutMs: 10_000 });
  };
  return { system, deposit };
}

const seen = (envelopes: readonly EventEnvelope<Deposited>[]) => envelopes.map((e) => [e.persistenceId, e.sequenceNr, e.event.amount]);

describe.skipIf(!db.available)('PersistenceQuery over a PostgresJournal', () => {
  it('readJournal() reads the journal through its pool, with the system serializers', async () => {
    const { system, deposit } = start(db.newSchema('pq_read'));
    await deposit('a', 100);
    await deposit('b', 5);
    await deposit('a', 200);
    const readJournal = PersistenceQuery.get(system).readJournal<Deposited>();
    expect(readJournal.offsetKind).toBe('postgres');
    const large: EventEnvelope<Deposited>[] = [];
    for await (const envelope of readJournal.currentEventsByTag('large')) large.push(envelope);
    expect(seen(large)).toEqual([
      ['Account|a', 1, 100],
      ['Account|a', 2, 200],
    ]);
    const ids: string[] = [];
    for await (const id of readJournal.currentPersistenceIds()) ids.push(id);
    expect(ids).toEqual(['Account|a', 'Account|b']);
  });

  it('a live query is woken by a persist of the system itself, without waiting for a poll', async () => {
    const { system, deposit } = start(db.newSchema('pq_live'));
    await deposit('a', 100);
    const readJournal = PersistenceQuery.get(system).readJournal<Deposited>({ pollIntervalMs: 3_600_000 });
    const live = readJournal.eventsByTag('large')[Symbol.asyncIterator]();
    expect((await withDeadline('the first tagged event', 10_000, live.next())).value).toMatchObject({ sequenceNr: 1 });
    const next = live.next();
    await deposit('b', 150);
    const woken = await withDeadline('the live query woken by the persist', 10_000, next);
    expect(woken.value).toMatchObject({ persistenceId: 'Account|b', sequenceNr: 1, event: { type: 'Deposited', amount: 150 } });
    await live.return?.();
  });

  it('live queries complete when the system terminates; a PostgresReadJournal elsewhere still reads the journal', async () => {
    const schema = db.newSchema('pq_end');
    const { system, deposit } = start(schema);
    await deposit('a', 100);
    const live: EventEnvelope<unknown>[] = [];
    const done = (async () => {
      for await (const envelope of PersistenceQuery.get(system).readJournal().allEvents()) live.push(envelope);
    })();
    await waitFor('the live query to deliver the event', 10_000, () => (live.length > 0 ? true : undefined));
    await system.terminate();
    await withDeadline('the live query completing on terminate', 10_000, done);
    expect(live.map(key)).toEqual(['Account|a:1']);

    const readJournal = new PostgresReadJournal({ connectionString: db.url, schema });
    cleanups.push(() => readJournal.close());
    const stored: string[] = [];
    for await (const envelope of readJournal.currentAllEvents()) stored.push(key(envelope));
    expect(stored).toEqual(['Account|a:1']);
  });
});
