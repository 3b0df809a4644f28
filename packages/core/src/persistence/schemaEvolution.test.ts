import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ask } from '../actor/ask.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { EventAdapters, type EventAdapter } from '../serialization/EventAdapter.js';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';
import { storedEvent } from './fixtures/GatedJournal.test-support.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

type Evt = { readonly type: 'Deposited'; readonly cents: number } | { readonly type: 'Fee'; readonly cents: number };
type Cmd = { readonly type: 'deposit'; readonly cents: number } | { readonly type: 'get'; readonly replyTo: ActorRef<number> };

function wallet(eventAdapter: EventAdapter<Evt, unknown>) {
  return eventSourced<Cmd, Evt, number>({
    persistenceId: 'wallet',
    emptyState: 0,
    commandHandler: (state, cmd) => (cmd.type === 'get' ? Effect.reply(cmd.replyTo, state) : Effect.persist({ type: 'Deposited', cents: cmd.cents })),
    eventHandler: (state, evt) => (evt.type === 'Deposited' ? state + evt.cents : state - evt.cents),
    eventAdapter,
  });
}

describe('schema evolution during recovery', () => {
  it('old events are upcast, split and dropped on the way in; new ones are written at the current version', async () => {
    const journal = new MemoryJournal();
    await journal.writeMessages([
      {
        persistenceId: 'wallet',
        events: [
          storedEvent('wallet', 1, { type: 'Deposited', euros: 2 }, 'Deposited'),
          storedEvent('wallet', 2, { type: 'DepositedWithFee', cents: 500, fee: 20 }, 'DepositedWithFee'),
          storedEvent('wallet', 3, { type: 'Audited' }, 'Audited'),
        ],
      },
    ]);
    const adapter = EventAdapters.versioned<Evt>({
      Deposited: { version: 2, upcast: { 1: (v1: { euros: number }) => ({ type: 'Deposited', cents: v1.euros * 100 }) } },
      Fee: {},
      DepositedWithFee: {
        upcast: {},
      },
      Audited: {},
    });
    // DepositedWithFee (v1 only, retired) splits into two of today's events; Audited is dropped.
    const evolved: EventAdapter<Evt, unknown> = {
      manifest: (e) => adapter.manifest(e),
      toJournal: (e) => e,
      fromJournal: (stored, manifest) => {
        if (manifest === 'DepositedWithFee') {
          const old = stored as { cents: number; fee: number };
          return [{ type: 'Deposited', cents: old.cents }, { type: 'Fee', cents: old.fee }];
        }
        if (manifest === 'Audited') return [];
        return adapter.fromJournal(stored as Evt, manifest);
      },
    };
    kit = ActorTestKit.create({ config: { persistence: { journal } } });
    const ref = kit.spawn(wallet(evolved));
    expect(await ask(ref, (replyTo: ActorRef<number>) => ({ type: 'get', replyTo }), { timeoutMs: 1 })).toBe(200 + 500 - 20);
    ref.tell({ type: 'deposit', cents: 1 });
    await kit.settle();
    const manifests: string[] = [];
    await journal.replayMessages('wallet', 4, Infinity, Infinity, (r) => manifests.push(`${r.sequenceNr} ${r.manifest} ${r.payload as string}`));
    expect(manifests).toEqual(['4 Deposited@2 {"type":"Deposited","cents":1}']);
  });
});
