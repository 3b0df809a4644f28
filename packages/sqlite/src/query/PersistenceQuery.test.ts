import { ActorSystem, ask, Effect, eventSourced, PersistenceQuery, type ActorRef, type EventEnvelope } from '@engram/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteJournal } from '../journal/index.js';
import { tempDatabase } from '../testing/fixtures.test-support.js';
import { hasSettled, within } from './deadline.test-support.js';
import { SqliteReadJournal } from './SqliteReadJournal.js';

type Command = { readonly amount: number; readonly replyTo: ActorRef<number> };
type Deposited = { readonly type: 'Deposited'; readonly amount: number };

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

function start() {
  const db = tempDatabase();
  cleanups.push(db.remove);
  const journal = new SqliteJournal({ path: db.path });
  const system = ActorSystem.create('sqlite-query', { persistence: { journal }, logLevel: 'error' });
  cleanups.push(() => system.terminate());
  const refs = new Map<string, ActorRef<Command>>();
  const deposit = async (id: string, amount: number) => {
    let ref = refs.get(id);
    if (ref === undefined) {
      ref = system.spawn(account(id), `account-${id}`);
      refs.set(id, ref);
    }
    return ask<Command, number>(ref, (replyTo) => ({ amount, replyTo }), { timeoutMs: 5000 });
  };
  return { path: db.path, journal, system, deposit };
}

const seen = (envelopes: readonly EventEnvelope<Deposited>[]) => envelopes.map((e) => [e.persistenceId, e.sequenceNr, e.event.amount]);

describe('PersistenceQuery over a SqliteJournal', () => {
  it('readJournal() reads the journal through its connection, with the system serializers', async () => {
    const { system, deposit } = start();
    await deposit('a', 100);
    await deposit('b', 5);
    await deposit('a', 200);
    const readJournal = PersistenceQuery.get(system).readJournal<Deposited>();
    expect(readJournal.offsetKind).toBe('sqlite');
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
    const { system, deposit } = start();
    await deposit('a', 100);
    // No poll within the test: only the system's own write notification can wake the query.
    const readJournal = PersistenceQuery.get(system).readJournal<Deposited>({ pollIntervalMs: 3_600_000 });
    const live = readJournal.eventsByTag('large')[Symbol.asyncIterator]();
    expect((await within(5000, 'the first tagged event', live.next())).value).toMatchObject({ sequenceNr: 1 });
    const next = live.next();
    expect(await hasSettled(next)).toBe(false);
    await deposit('b', 150);
    const woken = await within(5000, 'the live query woken by the persist', next);
    expect(woken.value).toMatchObject({ persistenceId: 'Account|b', sequenceNr: 1, event: { type: 'Deposited', amount: 150 } });
    await live.return?.();
  });

  it('the live queries complete when the system terminates; a SqliteReadJournal elsewhere still reads the file', async () => {
    const { path, system, deposit } = start();
    await deposit('a', 100);
    const live: EventEnvelope<unknown>[] = [];
    const done = (async () => {
      for await (const envelope of PersistenceQuery.get(system).readJournal().allEvents()) live.push(envelope);
    })();
    await system.terminate();
    await within(5000, 'the live query completing on terminate', done);
    expect(live.map((e) => e.persistenceId)).toEqual(['Account|a']);

    const readJournal = new SqliteReadJournal({ path });
    cleanups.push(() => readJournal.close());
    const stored: string[] = [];
    for await (const envelope of readJournal.currentAllEvents()) stored.push(`${envelope.persistenceId}:${envelope.sequenceNr}`);
    expect(stored).toEqual(['Account|a:1']);
  });
});
