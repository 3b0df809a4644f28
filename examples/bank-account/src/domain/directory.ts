import {
  Effect,
  RetentionCriteria,
  SupervisorStrategy,
  eventSourced,
  type ActorContext,
  type ActorRef,
  type Behavior,
} from '@engram/core';

/**
 * The account directory remembers which accounts exist (Akka's "remember entities"): on start the
 * app reads it and brings every account back, and opening an account is one event here, so an
 * account either exists with its owner or does not exist at all.
 */
export const directoryPersistenceId = 'AccountDirectory';

export interface AccountEntry {
  readonly id: string;
  readonly owner: string | null;
  /** Epoch milliseconds. */
  readonly openedAt: number;
}

export type DirectoryEvent = {
  readonly type: 'AccountOpened';
  readonly id: string;
  readonly owner: string | null;
  readonly at: number;
};

/** Entries by id, as a plain record so that snapshots are plain JSON. */
export interface DirectoryState {
  readonly accounts: Readonly<Record<string, AccountEntry>>;
}

export type OpenResult =
  | { readonly ok: true; readonly entry: AccountEntry }
  | { readonly ok: false; readonly reason: 'exists'; readonly entry: AccountEntry };

export type DirectoryCommand =
  | { readonly type: 'OpenAccount'; readonly id: string; readonly owner: string | null; readonly replyTo: ActorRef<OpenResult> }
  | { readonly type: 'ListAccounts'; readonly replyTo: ActorRef<readonly AccountEntry[]> };

export const emptyDirectory: DirectoryState = { accounts: {} };

export function findEntry(state: DirectoryState, id: string): AccountEntry | undefined {
  // hasOwn: an id such as "constructor" must not find Object.prototype's member.
  return Object.hasOwn(state.accounts, id) ? state.accounts[id] : undefined;
}

export function applyDirectoryEvent(state: DirectoryState, event: DirectoryEvent): DirectoryState {
  return { accounts: { ...state.accounts, [event.id]: { id: event.id, owner: event.owner, openedAt: event.at } } };
}

export function handleDirectoryCommand(
  state: DirectoryState,
  command: DirectoryCommand,
  ctx: ActorContext<DirectoryCommand>,
): Effect<DirectoryEvent, DirectoryState> {
  switch (command.type) {
    case 'ListAccounts':
      return Effect.reply(command.replyTo, Object.values(state.accounts));
    case 'OpenAccount': {
      const existing = findEntry(state, command.id);
      if (existing !== undefined) return Effect.reply(command.replyTo, { ok: false, reason: 'exists', entry: existing });
      const event: DirectoryEvent = { type: 'AccountOpened', id: command.id, owner: command.owner, at: ctx.system.scheduler.now() };
      const entry: AccountEntry = { id: event.id, owner: event.owner, openedAt: event.at };
      return Effect.persist(event).thenReply(command.replyTo, () => ({ ok: true, entry }));
    }
  }
}

export interface DirectoryBehaviorOptions {
  readonly onPersistFailure: SupervisorStrategy;
}

export function directoryBehavior(options: DirectoryBehaviorOptions): Behavior<DirectoryCommand> {
  return eventSourced<DirectoryCommand, DirectoryEvent, DirectoryState>({
    persistenceId: directoryPersistenceId,
    emptyState: emptyDirectory,
    commandHandler: handleDirectoryCommand,
    eventHandler: applyDirectoryEvent,
    tagger: () => ['account-directory'],
    retention: RetentionCriteria.snapshotEvery(100, 2),
    onPersistFailure: options.onPersistFailure,
  });
}
