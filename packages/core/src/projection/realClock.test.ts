import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { ActorSystem } from '../actor/ActorSystem.js';
import { ask } from '../actor/ask.js';
import { within } from '../actor/realClock.test-support.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { account, type AccountCommand, type AccountEvent, type AccountReply } from '../persistence/fixtures/account.test-support.js';
import { PersistenceQuery } from '../query/PersistenceQuery.js';
import { ReadModelStore } from './fixture.test-support.js';
import { HandlerRecovery } from './HandlerRecovery.js';
import { Projection } from './Projection.js';
import { runProjection } from './runProjection.js';
import { SourceProvider } from './SourceProvider.js';

// The one projection test on the real clock: accounts persist through the actor system while an
// exactly-once projection follows them live, woken by the writes and retrying on real timers.

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.terminate();
  system = undefined;
});

describe('a projection on the real clock', () => {
  it('follows events as accounts persist them, retries a failure and stops with the system', async () => {
    system = ActorSystem.create('projection', { persistence: { journal: new MemoryJournal() }, logLevel: 'error' });
    const readJournal = PersistenceQuery.get(system).readJournal<AccountEvent>();
    const store = new ReadModelStore();
    let failures = 0;
    const running = runProjection(
      system,
      Projection.exactlyOnce({
        name: 'deposits',
        source: SourceProvider.eventsByTag(readJournal, 'money'),
        offsetStore: store,
        recovery: HandlerRecovery.retryAndFail(3, 5),
        handler: (envelope, tx) => {
          if (envelope.sequenceNr === 2 && envelope.persistenceId === 'Account|b' && failures === 0) {
            failures++;
            throw new Error('once');
          }
          if (envelope.event.type === 'Deposited') tx.apply(`${envelope.persistenceId}+${envelope.event.amount}`);
        },
      }),
    );
    const refs = new Map<string, ActorRef<AccountCommand>>();
    const deposit = async (id: string, amount: number) => {
      let ref = refs.get(id);
      if (ref === undefined) {
        ref = system!.spawn(account(id, { tagger: () => ['money'] }), `account-${id}`);
        refs.set(id, ref);
      }
      await ask<AccountCommand, AccountReply>(ref, (replyTo) => ({ type: 'deposit', amount, replyTo }), { timeoutMs: 3000 });
    };
    for (let i = 1; i <= 4; i++) for (const id of ['a', 'b', 'c']) await deposit(id, i);

    await within(5000, 'the projection handling all 12 deposits', store.whenLines(12));
    expect(new Set(store.lines).size).toBe(12);
    expect(store.lines.filter((line) => line.startsWith('Account|b'))).toEqual(['Account|b+1', 'Account|b+2', 'Account|b+3', 'Account|b+4']);
    expect(failures).toBe(1);
    const status = await running.status();
    expect(status).toMatchObject({ state: 'running', lagEvents: 0, lagMs: 0, stalled: false });

    await system.terminate();
    system = undefined;
    expect(await store.readProjection({ name: 'deposits', key: '' })).toEqual({ offset: status.offset, paused: false });
  });
});
