import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../actor/ActorSystem.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import type { ActorRef } from '../actor/ActorRef.js';
import { account, type AccountCommand, type AccountEvent, type AccountReply } from '../persistence/fixtures/account.test-support.js';
import { InvalidOffset } from './errors.js';
import { Offset } from './Offset.js';
import { PersistenceQuery } from './PersistenceQuery.js';

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.terminate();
  system = undefined;
});

function start() {
  const journal = new MemoryJournal();
  system = ActorSystem.create('query', { persistence: { journal }, logLevel: 'error' });
  const tagged = (id: string) => account(id, { tagger: (e) => (e.type === 'Deposited' ? ['money-in'] : []) });
  const accounts = new Map<string, ActorRef<AccountCommand>>();
  const deposit = async (id: string, amount: number) => {
    let ref = accounts.get(id);
    if (ref === undefined) {
      ref = system!.spawn(tagged(id), `account-${id}`);
      accounts.set(id, ref);
    }
    await ask<AccountCommand, AccountReply>(ref, (replyTo) => ({ type: 'deposit', amount, replyTo }), { timeoutMs: 3000 });
  };
  return { system, journal, deposit, readJournal: PersistenceQuery.get(system).readJournal<AccountEvent>() };
}

async function take<T>(iterable: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length === n) break;
  }
  return out;
}

describe('ReadJournal over the memory journal', () => {
  it('currentEventsByTag returns the tagged events in global order and completes; resuming is exclusive', async () => {
    const { deposit, readJournal } = start();
    await deposit('a', 1);
    await deposit('b', 2);
    await deposit('a', 3);
    const all = [];
    for await (const envelope of readJournal.currentEventsByTag('money-in')) all.push(envelope);
    expect(all.map((e) => [e.persistenceId, e.sequenceNr, e.event])).toEqual([
      ['Account|a', 1, { type: 'Deposited', amount: 1 }],
      ['Account|b', 1, { type: 'Deposited', amount: 2 }],
      ['Account|a', 2, { type: 'Deposited', amount: 3 }],
    ]);
    const resumed = [];
    for await (const envelope of readJournal.currentEventsByTag('money-in', Offset.parse(String(all[0]!.offset)))) resumed.push(envelope.sequenceNr);
    expect(resumed).toEqual([1, 2]);
  });

  it('a live eventsByTag query returns events persisted after it started, woken by the write', async () => {
    const { deposit, readJournal } = start();
    await deposit('a', 1);
    const live = take(readJournal.eventsByTag('money-in'), 3);
    await deposit('b', 2);
    await deposit('c', 3);
    expect((await live).map((e) => e.persistenceId)).toEqual(['Account|a', 'Account|b', 'Account|c']);
  });

  it('persistenceIds lists each id once, and the live variant ids created later', async () => {
    const { deposit, readJournal } = start();
    await deposit('a', 1);
    await deposit('a', 2);
    await deposit('b', 1);
    const current = [];
    for await (const id of readJournal.currentPersistenceIds()) current.push(id);
    expect(current).toEqual(['Account|a', 'Account|b']);
    const live = take(readJournal.persistenceIds(), 3);
    await deposit('a', 3);
    await deposit('c', 1);
    expect(await live).toEqual(['Account|a', 'Account|b', 'Account|c']);
  });

  it('eventsByPersistenceId completes at toSequenceNr; the current variant at the highest stored', async () => {
    const { deposit, readJournal } = start();
    for (let i = 1; i <= 5; i++) await deposit('a', i);
    const current = [];
    for await (const e of readJournal.currentEventsByPersistenceId('Account|a', 2, 4)) current.push(e.sequenceNr);
    expect(current).toEqual([2, 3, 4]);
    const live = (async () => {
      const seen = [];
      for await (const e of readJournal.eventsByPersistenceId('Account|a', 4, 7)) seen.push(e.sequenceNr);
      return seen;
    })();
    await deposit('a', 6);
    await deposit('a', 7);
    await deposit('a', 8);
    expect(await live).toEqual([4, 5, 6, 7]);
  });

  it('refuses a malformed offset and an offset of another kind of store, naming it', () => {
    const { readJournal } = start();
    expect(() => Offset.parse('12')).toThrow(InvalidOffset);
    expect(() => readJournal.parseOffset('sqlite:12')).toThrow(/offset of a sqlite journal; this read journal reads a memory journal/);
    expect(() => readJournal.parseOffset('memory:x1')).toThrow(/not a position of a memory journal/);
    expect(String(readJournal.parseOffset('memory:7'))).toBe('memory:7');
    expect(String(Offset.start)).toBe('start');
  });

  it('a live query ends when its signal aborts and when the system terminates', async () => {
    const { readJournal, system: s } = start();
    const controller = new AbortController();
    const aborted = take(readJournal.allEvents(Offset.start, { signal: controller.signal }), 10);
    const ended = take(readJournal.allEvents(), 10);
    controller.abort();
    expect(await aborted).toEqual([]);
    await s.terminate();
    system = undefined;
    expect(await ended).toEqual([]);
  });
});

describe('ReadJournal as a Node stream', () => {
  it('Readable.from(query) streams the envelopes in order and ends with the current query', async () => {
    const { Readable } = await import('node:stream');
    const { deposit, readJournal } = start();
    await deposit('a', 1);
    await deposit('a', 2);
    const sequenceNrs: number[] = [];
    for await (const envelope of Readable.from(readJournal.currentEventsByPersistenceId('Account|a'))) {
      sequenceNrs.push((envelope as { sequenceNr: number }).sequenceNr);
    }
    expect(sequenceNrs).toEqual([1, 2]);
  });
});

describe('PersistenceQuery.readJournal', () => {
  it('returns one instance per event adapter and settings, so asking on every actor start adds none', async () => {
    const { EventAdapters } = await import('../serialization/EventAdapter.js');
    const { system: s } = start();
    const query = PersistenceQuery.get(s);
    const adapter = EventAdapters.identity<AccountEvent>();
    expect(query.readJournal()).toBe(query.readJournal());
    expect(query.readJournal({ eventAdapter: adapter })).toBe(query.readJournal({ eventAdapter: adapter }));
    expect(query.readJournal({ eventAdapter: adapter })).not.toBe(query.readJournal());
    expect(query.readJournal({ pageSize: 10 })).not.toBe(query.readJournal({ pageSize: 20 }));
  });
});
