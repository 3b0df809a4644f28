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
      const failure = await kit.runCommand({ type: 'at', when: new Date(0) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SerializationCheckFailed);
      expect(failure).toMatchObject({
        what: 'command',
        path: 'command.when',
        message:
          'the command does not survive serialization: the json serializer cannot store it faithfully: ' +
          'command.when is a Date; JSON turns it into a string',
      });
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
      await expect(kit.runCommand('a')).rejects.toMatchObject({
        name: 'SerializationCheckFailed',
        path: 'state.seen',
        message: 'the state does not survive serialization: the json serializer cannot store it faithfully: state.seen is a Set; JSON turns it into {}',
      });
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
      await expect(kit.runCommand('ada')).rejects.toMatchObject({
        name: 'SerializationCheckFailed',
        path: 'event.name',
        message:
          "the event does not survive serialization: event Named came back from the serializer and event adapter changed: event.name was 'ada', came back as 'ADA'",
      });
    } finally {
      await kit.shutdown();
    }
  });

  it('an event JSON refuses is a rejection, as in production, with the same message naming where in the event', async () => {
    type E = { type: 'Planned'; items: readonly { at: unknown }[]; note?: string | undefined };
    const kit = await EventSourcedBehaviorTestKit.create<unknown, E, number>(
      eventSourced<unknown, E, number>({
        persistenceId: 'plans',
        emptyState: 0,
        commandHandler: (_s, at) => Effect.persist<E, number>({ type: 'Planned', items: [{ at: 1 }, { at: 2 }, { at }], note: undefined }),
        eventHandler: (s) => s + 1,
      }),
      // The command carries the Date; here it is the event under test.
      { serializationChecks: { commands: false } },
    );
    try {
      // An undefined optional field is dropped by JSON and passes the round-trip check.
      expect((await kit.runCommand(3)).events).toHaveLength(1);
      const result = await kit.runCommand({ iso: new Date(0).toISOString() });
      expect(result.events).toHaveLength(1);
      const refused = await kit.runCommand(new Date(0) as unknown);
      expect(refused.events).toEqual([]);
      expect(refused.rejections[0]?.cause).toMatchObject({ name: 'EventNotSerializable', path: 'event.items[2].at', sequenceNr: 3 });
      expect(refused.rejections[0]?.message).toBe(
        'event Planned (sequence nr 3) of persistenceId "plans" was rejected and not stored: the json serializer cannot store it ' +
          'faithfully: event.items[2].at is a Date; JSON turns it into a string (use plain data, or an event adapter that converts it)',
      );
    } finally {
      await kit.shutdown();
    }
  });
});
