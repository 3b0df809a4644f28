import { Effect, EventNotSerializable, eventSourced, JournalFailure, StashOverflow, type EventAdapter } from '@engram/core';
import { EventSourcedBehaviorTestKit, SerializationCheckFailed } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { cart, type Cart, type CartCommand, type CartEvent } from '../commands/cart.js';

let kit: EventSourcedBehaviorTestKit<CartCommand, CartEvent, Cart>;
afterEach(() => kit.shutdown());

describe('EventSourcedBehaviorTestKit: one event-sourced actor, its events, state and replies', () => {
  it('runCommand returns the events stored, the state after them and the reply', async () => {
    kit = await EventSourcedBehaviorTestKit.create<CartCommand, CartEvent, Cart>(cart('alice'));
    const added = await kit.runCommand({ type: 'add', items: ['apple', 'pear'] });
    expect(added.events).toEqual([
      { type: 'ItemAdded', item: 'apple' },
      { type: 'ItemAdded', item: 'pear' },
    ]);
    expect(added.state).toEqual({ items: ['apple', 'pear'], status: 'open', checkedOutAt: null });
    expect(added.reply).toBeUndefined(); // a command without a replyTo

    // A command built around its replyTo: the first reply comes back as `reply`.
    const got = await kit.runCommand<Cart>((replyTo) => ({ type: 'get', replyTo }));
    expect(got.hasNoEvents).toBe(true);
    expect(got.reply?.items).toEqual(['apple', 'pear']);
    expect(got.rejections).toEqual([]);
    expect(got.command).toMatchObject({ type: 'get' });
  });

  it('getState reads the state; restart recovers the actor from what its journal holds', async () => {
    kit = await EventSourcedBehaviorTestKit.create<CartCommand, CartEvent, Cart>(cart('alice'));
    await kit.runCommand({ type: 'add', items: ['apple'] });
    await kit.runCommand({ type: 'startPayment' });
    expect((await kit.getState()).status).toBe('paying');
    const before = kit.ref;
    const { state } = await kit.restart();
    expect(state).toEqual({ items: ['apple'], status: 'paying', checkedOutAt: null });
    expect(kit.ref).not.toBe(before); // a new incarnation, a new ref
  });

  it('the in-memory stores inject faults: journal and snapshotStore', async () => {
    kit = await EventSourcedBehaviorTestKit.create<CartCommand, CartEvent, Cart>(cart('alice'));
    kit.journal.rejectWrite(); // the next write is refused: the actor is told and goes on
    const refused = await kit.runCommand({ type: 'add', items: ['apple'] });
    expect(refused.events).toEqual([]);
    expect(refused.rejections.map((rejection) => rejection.name)).toEqual(['EventRejected']);
    expect(refused.state.items).toEqual([]);
    expect((await kit.runCommand({ type: 'add', items: ['pear'] })).state.items).toEqual(['pear']);
    expect(kit.journal.writes.flatMap((write) => write.events.map((event) => event.sequenceNr))).toEqual([2]);
    expect(kit.snapshotStore.saves).toEqual([]); // no retention in this cart
  });

  it('a storage failure stops the actor: getState says so', async () => {
    kit = await EventSourcedBehaviorTestKit.create<CartCommand, CartEvent, Cart>(cart('alice'));
    kit.journal.failWrite();
    await kit.runCommand({ type: 'add', items: ['apple'] }).catch(() => undefined);
    await expect(kit.getState()).rejects.toThrow('is not running (it stopped or failed; see the logs)');
    expect(kit.testKit.logs.entries.some((entry) => entry.fields['err'] instanceof JournalFailure)).toBe(true);
  });

  it('options: name, persistence settings, echoLogs', async () => {
    kit = await EventSourcedBehaviorTestKit.create<CartCommand, CartEvent, Cart>(cart('alice'), {
      name: 'cart-test',
      persistence: { stashCapacity: 2, stashOverflow: 'fail' },
      echoLogs: process.env['ECHO_LOGS'] === '1', // ECHO_LOGS=1 npx vitest ... prints the actor's logs
    });
    await kit.runCommand({ type: 'add', items: ['apple'] });
    await kit.runCommand({ type: 'startPayment' });
    await kit.runCommand({ type: 'add', items: ['pear'] }); // stashed while paying: 1
    await kit.runCommand({ type: 'add', items: ['fig'] }); // 2
    await kit.runCommand({ type: 'add', items: ['kiwi'] }).catch(() => undefined); // 3: too many
    const failure = kit.testKit.logs.find('failed; stopping', 'error')[0]?.fields['err'];
    expect(failure).toBeInstanceOf(StashOverflow);
    expect((failure as Error).message).toBe('stash of engram://cart-test/user/host/entity is full (capacity 2); could not stash add');
    // The actor stopped: the commands it had stashed went to dead letters.
    expect(kit.testKit.deadLetters.map((letter) => letter.message)).toEqual([
      { type: 'add', items: ['pear'] },
      { type: 'add', items: ['fig'] },
    ]);
  });

  it('persistence: the inspection of the actor system under test', async () => {
    kit = await EventSourcedBehaviorTestKit.create<CartCommand, CartEvent, Cart>(cart('alice'));
    const stored: number[] = [];
    kit.persistence.inspect((event) => void (event.type === 'EventsStored' && stored.push(event.firstSequenceNr)));
    await kit.runCommand({ type: 'add', items: ['apple'] });
    await kit.runCommand({ type: 'add', items: ['pear', 'fig'] });
    expect(stored).toEqual([1, 2]);
  });
});

describe('serialization checks: what would not survive the journal fails the test', () => {
  type Command = { readonly type: 'note'; readonly text: string } | { readonly type: 'noteAt'; readonly when: Date };
  type Event = { readonly type: 'Noted'; readonly text: string } | { readonly type: 'NotedAt'; readonly at: Date };
  // Stores `text` as `t` to save space, and forgets to read it back.
  const compact: EventAdapter<Event, unknown> = {
    manifest: (event) => event.type,
    toJournal: (event) => (event.type === 'Noted' ? { type: 'Noted', t: event.text } : event),
    fromJournal: (stored) => [stored as Event],
  };
  const notebook = (stateOf: (notes: number) => unknown) =>
    eventSourced<Command, Event, unknown>({
      persistenceId: 'notebook',
      emptyState: stateOf(0),
      commandHandler: (_state, command) =>
        Effect.persist<Event, unknown>(command.type === 'note' ? { type: 'Noted', text: command.text } : { type: 'NotedAt', at: command.when }),
      eventHandler: () => stateOf(1),
      eventAdapter: compact,
    });

  it('a command that JSON would change: SerializationCheckFailed before it is sent', async () => {
    const notes = await EventSourcedBehaviorTestKit.create<Command, Event, unknown>(notebook((n) => n));
    try {
      const failure = await notes.runCommand({ type: 'noteAt', when: new Date(0) }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SerializationCheckFailed);
      expect([(failure as SerializationCheckFailed).what, (failure as SerializationCheckFailed).path]).toEqual(['command', 'command.when']);
    } finally {
      await notes.shutdown();
    }
  });

  it('an event the JSON serializer refuses is a rejection, as it would be in production', async () => {
    const notes = await EventSourcedBehaviorTestKit.create<Command, Event, unknown>(notebook((n) => n), {
      serializationChecks: { commands: false },
    });
    try {
      const result = await notes.runCommand({ type: 'noteAt', when: new Date(0) });
      expect(result.events).toEqual([]);
      expect(result.rejections[0]?.message).toBe(
        'event NotedAt (sequence nr 1) of persistenceId "notebook" was rejected and not stored: the json serializer cannot ' +
          'store it faithfully: event.at is a Date; JSON turns it into a string (use plain data, or an event adapter that converts it)',
      );
      const cause = result.rejections[0]?.cause;
      expect(cause).toBeInstanceOf(EventNotSerializable);
      expect((cause as EventNotSerializable).path).toBe('event.at');
    } finally {
      await notes.shutdown();
    }
  });

  it('an event that does not come back the same through the adapter: SerializationCheckFailed', async () => {
    const notes = await EventSourcedBehaviorTestKit.create<Command, Event, unknown>(notebook((n) => n));
    try {
      const failure = await notes.runCommand({ type: 'note', text: 'hello' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SerializationCheckFailed);
      expect([(failure as SerializationCheckFailed).what, (failure as SerializationCheckFailed).path]).toEqual(['event', 'event.text']);
      expect((failure as Error).message).toBe(
        "the event does not survive serialization: event Noted came back from the serializer and event adapter changed: event.text was 'hello', came back absent",
      );
    } finally {
      await notes.shutdown();
    }
  });

  it('a state the snapshot serializer would change; each check can be turned off', async () => {
    const withMap = (n: number) => new Map([['notes', n]]);
    const notes = await EventSourcedBehaviorTestKit.create<Command, Event, unknown>(notebook(withMap));
    try {
      const failure = await notes.getState().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SerializationCheckFailed);
      expect([(failure as SerializationCheckFailed).what, (failure as SerializationCheckFailed).path]).toEqual(['state', 'state']);
    } finally {
      await notes.shutdown();
    }
    const unchecked = await EventSourcedBehaviorTestKit.create<Command, Event, unknown>(notebook(withMap), {
      serializationChecks: { state: false },
    });
    try {
      expect(await unchecked.getState()).toEqual(new Map([['notes', 0]]));
    } finally {
      await unchecked.shutdown();
    }
  });
});
