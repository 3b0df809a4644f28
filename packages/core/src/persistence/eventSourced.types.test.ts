import { describe, expectTypeOf, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import type { Behavior } from '../actor/Behavior.js';
import { Effect } from './Effect.js';
import type { PersistFailure } from './errors.js';
import { eventSourced } from './eventSourced.js';

// What `eventSourced` infers from `emptyState` and the handlers, checked by the type checker
// (`npx tsc -p tsconfig.json`): each `expectTypeOf` pins an inferred type, each
// `@ts-expect-error` a form that needs an annotation (if inference gets better, the directive is
// unused and the check fails, so this file stays a true list).

type Ev = { readonly type: 'added'; readonly n: number } | { readonly type: 'cleared' };
type Reply = { readonly ok: true; readonly count: number } | { readonly ok: false; readonly error: string };
type Cmd =
  | { readonly type: 'add'; readonly n: number; readonly replyTo: ActorRef<Reply> }
  | { readonly type: 'clear' }
  | { readonly type: 'get'; readonly replyTo: ActorRef<number> };
type State = { count: number };

const failed = (error: PersistFailure): Reply => ({ ok: false, error: error.message });

describe('eventSourced infers', () => {
  it('the state from emptyState (literals widened), the event from the Effect, the command from its annotation', () => {
    const behavior = eventSourced({
      persistenceId: 'a',
      emptyState: { count: 0 },
      commandHandler: (state, cmd: Cmd) => {
        expectTypeOf(state).toEqualTypeOf<{ count: number }>();
        if (cmd.type !== 'add') return Effect.none();
        return Effect.persist({ type: 'added', n: cmd.n } as Ev).thenReply(cmd.replyTo, (s) => ({ ok: true, count: s.count }));
      },
      eventHandler: (state, event) => {
        expectTypeOf(event).toEqualTypeOf<Ev>();
        return event.type === 'added' ? { count: state.count + event.n } : { count: 0 };
      },
      tagger: (event) => [event.type],
    });
    expectTypeOf(behavior).toEqualTypeOf<Behavior<Cmd>>();
  });

  it('a number state from emptyState: 0 (not the literal 0)', () => {
    eventSourced({
      persistenceId: 'b',
      emptyState: 0,
      commandHandler: (_state, _cmd: Cmd) => Effect.none(),
      eventHandler: (state) => {
        expectTypeOf(state).toEqualTypeOf<number>();
        return state;
      },
    });
  });

  it('the event from an unannotated persist: the literal type of the object (const), discriminant kept', () => {
    eventSourced({
      persistenceId: 'c',
      emptyState: { count: 0 },
      commandHandler: (_state, cmd: Cmd) => (cmd.type === 'add' ? Effect.persist({ type: 'added', n: cmd.n }) : Effect.none()),
      eventHandler: (state, event) => {
        expectTypeOf(event).toEqualTypeOf<{ readonly type: 'added'; readonly n: number }>();
        return { count: state.count + event.n };
      },
    });
  });

  it('everything from handlers declared as functions', () => {
    const handle = (state: State, cmd: Cmd): Effect<Ev, State> =>
      cmd.type === 'get' ? Effect.reply(cmd.replyTo, state.count) : Effect.persist({ type: 'cleared' });
    const apply = (_state: State, event: Ev): State => (event.type === 'cleared' ? { count: 0 } : { count: event.n });
    const behavior = eventSourced({ persistenceId: 'd', emptyState: { count: 0 }, commandHandler: handle, eventHandler: apply });
    expectTypeOf(behavior).toEqualTypeOf<Behavior<Cmd>>();
  });

  it('with explicit type arguments, as before: literal events, replies and failures checked against them', () => {
    eventSourced<Cmd, Ev, State>({
      persistenceId: 'e',
      emptyState: { count: 0 },
      commandHandler: (state, cmd) => {
        switch (cmd.type) {
          case 'get':
            return Effect.reply(cmd.replyTo, state.count);
          case 'clear':
            return Effect.persist({ type: 'cleared' });
          case 'add':
            return Effect.persist({ type: 'added', n: cmd.n })
              .onFailure(cmd.replyTo, failed)
              .thenReply(cmd.replyTo, (s) => ({ ok: true, count: s.count }));
        }
      },
      eventHandler: (state, event) => (event.type === 'added' ? { count: state.count + event.n } : { count: 0 }),
    });
  });
});

describe('eventSourced needs an annotation', () => {
  it('for events of different shapes persisted in different branches (the first one is taken)', () => {
    eventSourced({
      persistenceId: 'f',
      emptyState: 0,
      // @ts-expect-error Effect<{ type: 'cleared' }> is not an Effect<{ type: 'added'; n: number }>
      commandHandler: (_state, cmd: Cmd) => (cmd.type === 'add' ? Effect.persist({ type: 'added', n: cmd.n }) : Effect.persist({ type: 'cleared' })),
      eventHandler: (state) => state,
    });
    // Fixed by naming the event type: Effect.persist<Ev>(...) (or eventSourced<Cmd, Ev, number>).
    eventSourced({
      persistenceId: 'f',
      emptyState: 0,
      commandHandler: (_state, cmd: Cmd) =>
        cmd.type === 'add' ? Effect.persist<Ev>({ type: 'added', n: cmd.n }) : Effect.persist<Ev>({ type: 'cleared' }),
      eventHandler: (state, event) => {
        expectTypeOf(event).toEqualTypeOf<Ev>();
        return state;
      },
    });
  });

  it('for an empty array in emptyState (never[])', () => {
    eventSourced({
      persistenceId: 'g',
      emptyState: { items: [] },
      commandHandler: (_state, item: string) => Effect.persist({ type: 'Added', item }),
      // @ts-expect-error string[] is not never[]
      eventHandler: (state, event) => ({ items: [...state.items, event.item] }),
    });
    eventSourced({
      persistenceId: 'g',
      emptyState: { items: [] as readonly string[] },
      commandHandler: (_state, item: string) => Effect.persist({ type: 'Added', item }),
      eventHandler: (state, event) => ({ items: [...state.items, event.item] }),
    });
  });

  it('for a union of literal states: emptyState gives the widened type', () => {
    eventSourced({
      persistenceId: 'h',
      emptyState: { status: 'open' },
      commandHandler: (state, _cmd: 'close') => {
        expectTypeOf(state.status).toEqualTypeOf<string>();
        return Effect.persist({ type: 'Closed' });
      },
      eventHandler: () => ({ status: 'closed' }),
    });
  });

  it('for the command: an unannotated command parameter is unknown', () => {
    const behavior = eventSourced({
      persistenceId: 'i',
      emptyState: 0,
      commandHandler: (_state, cmd) => {
        expectTypeOf(cmd).toBeUnknown();
        return Effect.none();
      },
      eventHandler: (state) => state,
    });
    expectTypeOf(behavior).toEqualTypeOf<Behavior<unknown>>();
  });

  it('for a state-reading thenReply followed by another call: only the last call of a chain sees the state type', () => {
    eventSourced({
      persistenceId: 'j',
      emptyState: { count: 0 },
      commandHandler: (_state, cmd: Cmd) =>
        cmd.type !== 'add'
          ? Effect.none()
          : Effect.persist<Ev>({ type: 'added', n: cmd.n })
              // @ts-expect-error the state is `never` here: nothing tells this call the state type
              .thenReply(cmd.replyTo, (s) => ({ ok: true, count: s.count }))
              .onFailure(cmd.replyTo, failed),
      eventHandler: (state) => state,
    });
    // Each of these infers it: onFailure first; the failure reply as thenReply's third argument;
    // the state named in persist or on the callback.
    const added = (cmd: Cmd): Ev => ({ type: 'added', n: cmd.type === 'add' ? cmd.n : 0 });
    const withHandler = (commandHandler: (state: State, cmd: Cmd & { type: 'add' }) => Effect<Ev, State>) => commandHandler;
    eventSourced({
      persistenceId: 'j1',
      emptyState: { count: 0 },
      commandHandler: (_state, cmd: Cmd & { type: 'add' }) =>
        Effect.persist(added(cmd))
          .onFailure(cmd.replyTo, failed)
          .thenReply(cmd.replyTo, (s) => ({ ok: true, count: s.count })),
      eventHandler: (state) => state,
    });
    eventSourced({
      persistenceId: 'j2',
      emptyState: { count: 0 },
      commandHandler: (_state, cmd: Cmd & { type: 'add' }) =>
        Effect.persist(added(cmd)).thenReply(cmd.replyTo, (s) => ({ ok: true, count: s.count }), failed),
      eventHandler: (state) => state,
    });
    withHandler((_state, cmd) =>
      Effect.persist<Ev, State>(added(cmd))
        .thenReply(cmd.replyTo, (s) => ({ ok: true, count: s.count }))
        .onFailure(cmd.replyTo, failed),
    );
    withHandler((_state, cmd) =>
      Effect.persist(added(cmd))
        .thenReply(cmd.replyTo, (s: State) => ({ ok: true, count: s.count }))
        .onFailure(cmd.replyTo, failed),
    );
  });
});

describe('eventSourced refuses', () => {
  it('replies and failure replies of the wrong type, and events the event handler does not take', () => {
    eventSourced<Cmd, Ev, State>({
      persistenceId: 'k',
      emptyState: { count: 0 },
      commandHandler: (_state, cmd) =>
        cmd.type !== 'add'
          ? Effect.none()
          : Effect.persist({ type: 'added', n: cmd.n })
              // @ts-expect-error a number is no Reply
              .onFailure(cmd.replyTo, () => 42)
              // @ts-expect-error a string is no Reply
              .thenReply(cmd.replyTo, () => 'done'),
      eventHandler: (state) => state,
    });
    eventSourced<Cmd, Ev, State>({
      persistenceId: 'k',
      emptyState: { count: 0 },
      // @ts-expect-error 'removed' is not an Ev
      commandHandler: () => Effect.persist({ type: 'removed' }),
      eventHandler: (state) => state,
    });
  });
});
