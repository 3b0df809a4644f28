import { describe, expect, it } from 'vitest';
import type { ActorRef } from '../actor/ActorRef.js';
import { Behaviors } from '../actor/Behaviors.js';
import { Effect } from '../persistence/Effect.js';
import { eventSourced } from '../persistence/eventSourced.js';
import {
  account,
  accountCommandHandler,
  type AccountCommand,
  type AccountEvent,
  type AccountReply,
  type AccountState,
} from '../persistence/fixtures/account.test-support.js';
import { EventAdapters } from '../serialization/EventAdapter.js';
import { EventSourcedSpecification } from './EventSourcedSpecification.js';

const spec = EventSourcedSpecification.for<AccountCommand, AccountEvent, AccountState>(() => account('a'));
const deposited = (amount: number): AccountEvent => ({ type: 'Deposited', amount });

class Overdrawn extends Error {
  override readonly name = 'Overdrawn';
}

/** An account whose command handler throws instead of replying when a withdrawal is too large. */
const strict = EventSourcedSpecification.for<AccountCommand, AccountEvent, AccountState>(() =>
  account('strict', {
    commandHandler: (state, command) => {
      if (command.type === 'withdraw' && command.amount > state.balance) {
        throw new Overdrawn(`cannot withdraw ${command.amount} from ${state.balance}`);
      }
      return accountCommandHandler(state, command);
    },
  }),
);

describe('EventSourcedSpecification', () => {
  describe('then', () => {
    it('passes when the command persisted the expected events on top of the given ones', async () => {
      await spec
        .given([deposited(10)])
        .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }))
        .then([{ type: 'Withdrawn', amount: 3 }]);
      await spec
        .givenNothing()
        .when<AccountReply>((replyTo) => ({ type: 'deposit', amount: 5, replyTo }))
        .then([deposited(5)]);
    });

    it('fails showing the expected and the persisted events', async () => {
      await expect(
        spec
          .given([deposited(10)])
          .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }))
          .then([{ type: 'Withdrawn', amount: 4 }]),
      ).rejects.toThrow(
        "given 1 event, when withdraw: expected the command to persist [ { type: 'Withdrawn', amount: 4 } ], but it persisted [ { type: 'Withdrawn', amount: 3 } ]",
      );
    });

    it('a spec awaited without a then* is reported, not played', async () => {
      const unfinished = spec.givenNothing().when<AccountReply>((replyTo) => ({ type: 'deposit', amount: 5, replyTo }));
      await expect(Promise.resolve().then(() => unfinished)).rejects.toThrow(
        'a given/when spec was awaited without a then*',
      );
    });

    it('fails naming the error when the actor failed instead', async () => {
      await expect(
        strict
          .given([deposited(1)])
          .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }))
          .then([]),
      ).rejects.toThrow(
        'given 1 event, when withdraw: expected the command to persist events, but the actor failed with Overdrawn: cannot withdraw 3 from 1',
      );
    });
  });

  describe('thenState', () => {
    it('passes on an equal state or a check that holds', async () => {
      const withdraw = spec
        .given([deposited(10), deposited(2)])
        .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }));
      await withdraw.thenState({ balance: 9, closed: false });
      await withdraw.thenState((state) => state.balance === 9);
      await withdraw.thenState((state) => expect(state.closed).toBe(false));
    });

    it('fails showing the expected and the actual state, or the state a check refused', async () => {
      const withdraw = spec
        .given([deposited(10), deposited(2)])
        .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }));
      await expect(withdraw.thenState({ balance: 7, closed: false })).rejects.toThrow(
        'given 2 events, when withdraw: expected the state { balance: 7, closed: false }, but it is { balance: 9, closed: false }',
      );
      await expect(withdraw.thenState((state) => state.balance > 100)).rejects.toThrow(
        'given 2 events, when withdraw: the state check returned false for the state { balance: 9, closed: false }',
      );
    });
  });

  describe('thenReply', () => {
    it('passes when the first reply equals the expected one', async () => {
      await spec
        .given([deposited(10)])
        .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 30, replyTo }))
        .thenReply({ ok: false, error: 'insufficient funds' });
    });

    it('fails showing the expected and the actual reply, or that there was no replyTo', async () => {
      await expect(
        spec
          .given([deposited(10)])
          .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }))
          .thenReply({ ok: true, balance: 10 }),
      ).rejects.toThrow(
        'given 1 event, when withdraw: expected the reply { ok: true, balance: 10 }, but it was { ok: true, balance: 7 }',
      );
      type Ping = { readonly type: 'ping'; readonly replyTo: ActorRef<string> };
      const silent = EventSourcedSpecification.for<Ping, never, number>(() =>
        eventSourced<Ping, never, number>({
          persistenceId: 'silent',
          emptyState: 0,
          commandHandler: () => Effect.none(),
          eventHandler: (state) => state,
        }),
      );
      await expect(
        silent.givenNothing().when<string>((replyTo) => ({ type: 'ping', replyTo })).thenReply('pong'),
      ).rejects.toThrow("given nothing, when ping: expected the reply 'pong', but the actor sent no reply");
      await expect(
        EventSourcedSpecification.for<string, never, number>(() => Behaviors.ignore)
          .givenNothing()
          .when('ping')
          .thenReply(undefined),
      ).rejects.toThrow('thenReply needs a command built around its replyTo');
    });
  });

  describe('thenNothingPersisted', () => {
    it('passes when the command persisted no event', async () => {
      await spec
        .given([deposited(10)])
        .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 30, replyTo }))
        .thenNothingPersisted();
    });

    it('fails showing what was persisted', async () => {
      await expect(
        spec
          .givenNothing()
          .when<AccountReply>((replyTo) => ({ type: 'deposit', amount: 5, replyTo }))
          .thenNothingPersisted(),
      ).rejects.toThrow(
        "given nothing, when deposit: expected the command to persist nothing, but it persisted [ { type: 'Deposited', amount: 5 } ]",
      );
    });
  });

  describe('thenThrows', () => {
    it('passes when the actor stopped with a matching error: by class, by name or by predicate', async () => {
      const overdraw = strict
        .given([deposited(1)])
        .when<AccountReply>((replyTo) => ({ type: 'withdraw', amount: 3, replyTo }));
      await overdraw.thenThrows(Overdrawn);
      await overdraw.thenThrows(Error);
      await overdraw.thenThrows('Overdrawn');
      await overdraw.thenThrows((error) => error.message.includes('from 1'));
      await overdraw.thenThrows();
    });

    it('fails when the command succeeded, or failed with another error', async () => {
      const withdraw = (amount: number) =>
        strict.given([deposited(1)]).when<AccountReply>((replyTo) => ({ type: 'withdraw', amount, replyTo }));
      await expect(withdraw(1).thenThrows(Overdrawn)).rejects.toThrow(
        "given 1 event, when withdraw: expected the command to fail with Overdrawn, but it succeeded and persisted [ { type: 'Withdrawn', amount: 1 } ]",
      );
      await expect(withdraw(3).thenThrows(RangeError)).rejects.toThrow(
        'given 1 event, when withdraw: expected the command to fail with RangeError, but it failed with Overdrawn: cannot withdraw 3 from 1',
      );
      await expect(withdraw(3).thenThrows('InsufficientFunds')).rejects.toThrow(
        'expected the command to fail with an error named InsufficientFunds, but it failed with Overdrawn',
      );
      await expect(withdraw(3).thenThrows(function isTimeout(error) { return error.name === 'AskTimeout'; })).rejects.toThrow(
        'expected the command to fail with an error matching isTimeout, but it failed with Overdrawn',
      );
    });
  });

  describe('given', () => {
    it("stores the given events through the behavior's event adapter when it is passed", async () => {
      // Version 2 of Deposited counts cents; an event stored as version 1 is upcast from euros.
      const eventAdapter = EventAdapters.versioned<AccountEvent>({
        Deposited: { version: 2, upcast: { 1: (v1: { amount: number }) => deposited(v1.amount * 100) } },
        Withdrawn: {},
        Closed: {},
      });
      const inCents = (options: { eventAdapter?: typeof eventAdapter }) =>
        EventSourcedSpecification.for<AccountCommand, AccountEvent, AccountState>(() => account('cents', { eventAdapter }), options)
          .given([deposited(10)])
          .when<number>((replyTo) => ({ type: 'balance', replyTo }));
      await inCents({ eventAdapter }).thenReply(10);
      // Without it the event lands as version 1, and the actor reads it as such.
      await inCents({}).thenReply(1000);
    });

    it('fails a scenario that does not finish within timeoutMs', async () => {
      const stuck = EventSourcedSpecification.for<string, never, never>(
        () => Behaviors.receiveMessage<string>(() => new Promise<void>(() => undefined)),
        { timeoutMs: 100 },
      );
      await expect(stuck.givenNothing().when('hang').thenNothingPersisted()).rejects.toThrow(
        'given nothing, when string: the scenario did not finish within 100 ms',
      );
    });
  });
});
