import { describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Effect } from '../persistence/Effect.js';
import { eventSourced } from '../persistence/eventSourced.js';
import {
  account,
  type AccountCommand,
  type AccountEvent,
  type AccountReply,
  type AccountState,
} from '../persistence/fixtures/account.test-support.js';
import { EventSourcedBehaviorTestKit } from './EventSourcedBehaviorTestKit.js';
import { SerializationCheckFailed } from './SerializationCheckFailed.js';

describe('EventSourcedBehaviorTestKit', () => {
  it('runCommand reports events, state and reply; restart recovers', async () => {
    const kit = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(account('k'));
    try {
      const result = await kit.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 3, replyTo }));
      expect(result).toMatchObject({ events: [{ type: 'Deposited', amount: 3 }], state: { balance: 3 }, reply: { ok: true, balance: 3 } });
      expect(await kit.getState()).toEqual({ balance: 3, closed: false });
      expect((await kit.restart()).state).toEqual({ balance: 3, closed: false });
    } finally {
      await kit.shutdown();
    }
  });

  it('injected journal faults reach the actor: a rejected write is reported, a failed one stops it', async () => {
    const kit = await EventSourcedBehaviorTestKit.create<AccountCommand, AccountEvent, AccountState>(account('faults'));
    try {
      kit.journal.rejectWrite({ nth: 1 });
      const rejected = await kit.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 3, replyTo }));
      expect(rejected.events).toEqual([]);
      expect(rejected.rejections.map((r) => r.name)).toEqual(['EventRejected']);
      expect(rejected.state.balance).toBe(0);
      kit.journal.failWrite({ nth: 1 });
      await kit.runCommand<AccountReply>((replyTo) => ({ type: 'deposit', amount: 3, replyTo })).catch(() => undefined);
      await expect(kit.getState()).rejects.toThrow(/is not running \(it stopped or failed; see the logs\)/);
    } finally {
      await kit.shutdown();
    }
  });

  it('fails a command that does not survive serialization, naming what', async () => {
    type C = { type: 'at'; when: Date } | { type: 'ok'; replyTo: ActorRef<string> };
    const kit = await EventSourcedBehaviorTestKit.create<C, never, number>(
      eventSourced<C, never, number>({
        persistenceId: 'dates',
        emptyState: 0,
        commandHandler: (_s, c) => (c.type === 'ok' ? Effect.reply(c.replyTo, 'fine') : Effect.none()),
        eventHandler: (s) => s,
      }),
    );
    try {
      await expect(kit.runCommand({ type: 'at', when: new Date(0) })).rejects.toThrow(
        new SerializationCheckFailed(
          'command',
          'json serializer cannot store this value faithfully: $.when is a Date (JSON would store a string); use plain data or an event adapter',
        ),
      );
      expect((await kit.runCommand<string>((replyTo) => ({ type: 'ok', replyTo }))).reply).toBe('fine');
    } finally {
      await kit.shutdown();
    }
  });

  it('fails when the state does not survive the snapshot serializer', async () => {
    const kit = await EventSourcedBehaviorTestKit.create<string, { type: 'Seen'; id: string }, { seen: Set<string> }>(
      eventSourced<string, { type: 'Seen'; id: string }, { seen: Set<string> }>({
        persistenceId: 'sets',
        emptyState: { seen: new Set() },
        commandHandler: (_s, id) => Effect.persist({ type: 'Seen', id }),
        eventHandler: (s, e) => ({ seen: new Set([...s.seen, e.id]) }),
      }),
      { serializationChecks: { state: true } },
    );
    try {
      await expect(kit.runCommand('a')).rejects.toThrow(/the state does not survive serialization: .*\$\.seen is a Set/);
    } finally {
      await kit.shutdown();
    }
  });

  it('fails when an event adapter does not round-trip an event', async () => {
    const kit = await EventSourcedBehaviorTestKit.create<string, { type: 'Named'; name: string }, number>(
      eventSourced<string, { type: 'Named'; name: string }, number>({
        persistenceId: 'lossy',
        emptyState: 0,
        commandHandler: (_s, name) => Effect.persist({ type: 'Named', name }),
        eventHandler: (s) => s + 1,
        eventAdapter: {
          manifest: () => 'Named',
          toJournal: (e) => ({ ...e, name: e.name.toUpperCase() }),
          fromJournal: (stored) => [stored as { type: 'Named'; name: string }],
        },
      }),
    );
    try {
      await expect(kit.runCommand('ada')).rejects.toThrow(
        'the event does not survive serialization: event Named came back from the serializer and event adapter as [{"type":"Named","name":"ADA"}]',
      );
    } finally {
      await kit.shutdown();
    }
  });
});
