import { Behaviors, type ActorRef, type Behavior, type SupervisorStrategy } from '@engram/core';
import { accountBehavior, type AccountCommand, type PassivationRequest, type Unavailable } from '../domain/index.js';

/** How many account actors are in memory. */
export interface ManagerStats {
  /** Running and taking commands. */
  readonly live: number;
  /** Told to stop; commands for them wait until they have, then go to a new incarnation. */
  readonly passivating: number;
}

export type ManagerMessage =
  | { readonly type: 'Deliver'; readonly id: string; readonly command: AccountCommand }
  | PassivationRequest
  | { readonly type: 'PassivateIdle' }
  | { readonly type: 'AccountStopped'; readonly id: string; readonly ref: ActorRef<AccountCommand> }
  | { readonly type: 'GetStats'; readonly replyTo: ActorRef<ManagerStats> };

export interface AccountManagerOptions {
  /** An account actor that got no command for this long is stopped (checked every half of it). */
  readonly idleMs: number;
  readonly onPersistFailure: SupervisorStrategy;
  /** Commands held for one account while its actor stops; beyond, they are answered unavailable. Default 1,000. */
  readonly maxBufferedPerAccount?: number;
}

interface Entry {
  readonly ref: ActorRef<AccountCommand>;
  lastCommandAt: number;
  /** Set once the actor was told to stop: commands wait here until it has. */
  buffer: AccountCommand[] | undefined;
}

/**
 * The parent of the account actors (Akka's shard): it starts an account's actor on its first
 * command, routes commands to it, and passivates it once idle, so that memory follows the
 * accounts in use rather than the accounts that exist.
 *
 * Passivation never loses a command: the manager tells the actor `Passivate` through the actor's
 * own mailbox, so every command routed before it is handled first, and from then on it holds the
 * account's commands itself. When the actor has stopped (`AccountStopped`, which arrives after
 * everything the actor sent), held commands go to a new incarnation, which recovers first.
 */
export function accountManager(options: AccountManagerOptions): Behavior<ManagerMessage> {
  const maxBuffered = options.maxBufferedPerAccount ?? 1_000;
  return Behaviors.withTimers((timers) =>
    Behaviors.setup((ctx) => {
      const accounts = new Map<string, Entry>();
      timers.startTimerWithFixedDelay('passivate-idle', { type: 'PassivateIdle' }, Math.max(1, Math.floor(options.idleMs / 2)));

      const spawn = (id: string): Entry => {
        const ref = ctx.spawn(accountBehavior(id, { onPersistFailure: options.onPersistFailure, passivation: ctx.self }), `account-${id}`);
        ctx.watchWith(ref, { type: 'AccountStopped', id, ref });
        const entry: Entry = { ref, lastCommandAt: ctx.system.scheduler.now(), buffer: undefined };
        accounts.set(id, entry);
        return entry;
      };

      const passivate = (id: string, entry: Entry, why: string): void => {
        ctx.log.debug({ account: id }, `passivating account ${id}: ${why}`);
        entry.buffer = [];
        entry.ref.tell({ type: 'Passivate' });
      };

      const deliver = (id: string, command: AccountCommand): void => {
        const entry = accounts.get(id) ?? spawn(id);
        if (entry.buffer === undefined) {
          entry.lastCommandAt = ctx.system.scheduler.now();
          entry.ref.tell(command);
        } else if (entry.buffer.length < maxBuffered) {
          entry.buffer.push(command);
        } else {
          refuse(command, `account ${id} is stopping and ${maxBuffered} requests already wait for it; try again shortly`);
        }
      };

      const stopped = (id: string, ref: ActorRef<AccountCommand>): void => {
        const entry = accounts.get(id);
        if (entry?.ref !== ref) return;
        accounts.delete(id);
        if (entry.buffer === undefined) {
          // Not passivated: it failed for good (see its log). The next command starts it again.
          ctx.log.warn({ account: id }, `the actor of account ${id} stopped on its own; its next command starts it again`);
          return;
        }
        if (entry.buffer.length === 0) return;
        const next = spawn(id);
        for (const command of entry.buffer) next.ref.tell(command);
      };

      return Behaviors.receive<ManagerMessage>((_ctx, message) => {
        switch (message.type) {
          case 'Deliver':
            return deliver(message.id, message.command);
          case 'PassivationRequested': {
            const entry = accounts.get(message.id);
            if (entry?.ref === message.ref && entry.buffer === undefined) passivate(message.id, entry, 'no such account');
            return;
          }
          case 'PassivateIdle': {
            const idleSince = ctx.system.scheduler.now() - options.idleMs;
            for (const [id, entry] of accounts) {
              if (entry.buffer === undefined && entry.lastCommandAt <= idleSince) passivate(id, entry, `idle for ${options.idleMs} ms`);
            }
            return;
          }
          case 'AccountStopped':
            return stopped(message.id, message.ref);
          case 'GetStats': {
            let passivating = 0;
            for (const entry of accounts.values()) if (entry.buffer !== undefined) passivating++;
            message.replyTo.tell({ live: accounts.size - passivating, passivating });
            return;
          }
        }
      });
    }),
  );
}

function refuse(command: AccountCommand, message: string): void {
  if (command.type === 'Passivate') return;
  const replyTo: ActorRef<Unavailable> = command.replyTo;
  replyTo.tell({ ok: false, reason: 'unavailable', message });
}
