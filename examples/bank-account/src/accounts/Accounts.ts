import { performance } from 'node:perf_hooks';
import { ask, type ActorRef, type ActorSystem, type SupervisorStrategy } from '@engram/core';
import {
  accountBehavior,
  accountPersistenceId,
  directoryBehavior,
  directoryPersistenceId,
  type AccountCommand,
  type AccountEntry,
  type AccountState,
  type DirectoryCommand,
  type OpenResult,
  type OperationResult,
} from '../domain/index.js';
import { DirectoryRecoveryFailed } from './errors.js';
import { RecoveryWatch } from './RecoveryWatch.js';

export interface AccountsOptions {
  /** How long a request waits for an account's (or the directory's) answer. */
  readonly askTimeoutMs: number;
  /** Supervision of storage failures of every account and of the directory. */
  readonly onPersistFailure: SupervisorStrategy;
}

/** What the eager recovery at start found. */
export interface RecoverySummary {
  readonly accounts: number;
  /** Events of all recovered accounts (their highest sequence nrs). */
  readonly events: number;
  /** Events actually read from the journal; the others were covered by snapshots. */
  readonly eventsReplayed: number;
  /** Accounts whose first recovery failed; their actors retry with backoff. */
  readonly failed: readonly { readonly id: string; readonly error: Error }[];
  readonly durationMs: number;
}

/** An open account: its directory entry and its live actor. */
export interface LiveAccount {
  readonly entry: AccountEntry;
  readonly ref: ActorRef<AccountCommand>;
}

/**
 * The accounts of one actor system: the directory actor and one live actor per account, all
 * brought back at start (remember-entities). Opening goes through the directory, which decides
 * whether an id is taken; every other request goes straight to the account's actor.
 */
export class Accounts {
  private readonly live = new Map<string, LiveAccount>();

  private constructor(
    private readonly system: ActorSystem,
    private readonly directory: ActorRef<DirectoryCommand>,
    private readonly options: AccountsOptions,
  ) {}

  /**
   * Recovers the directory, then starts every account it lists and waits until each has recovered
   * (or failed its first recovery and is retrying). Rejects with DirectoryRecoveryFailed when the
   * directory cannot be read, e.g. the store is unreachable.
   */
  static async start(
    system: ActorSystem,
    options: AccountsOptions,
  ): Promise<{ readonly accounts: Accounts; readonly recovery: RecoverySummary }> {
    const startedAt = performance.now();
    const watch = new RecoveryWatch(system);
    try {
      const directory = system.spawn(directoryBehavior({ onPersistFailure: options.onPersistFailure }), 'account-directory');
      const directoryOutcome = await watch.outcome(directoryPersistenceId);
      if (directoryOutcome.type === 'RecoveryFailed') {
        throw new DirectoryRecoveryFailed(directoryPersistenceId, directoryOutcome.error);
      }
      const accounts = new Accounts(system, directory, options);
      const entries = await ask(
        directory,
        (replyTo: ActorRef<readonly AccountEntry[]>) => ({ type: 'ListAccounts', replyTo }),
        { timeoutMs: options.askTimeoutMs },
      );
      for (const entry of entries) accounts.startAccount(entry);
      const outcomes = await Promise.all(
        entries.map(async (entry) => ({ id: entry.id, outcome: await watch.outcome(accountPersistenceId(entry.id)) })),
      );

      let recovered = 0;
      let events = 0;
      let eventsReplayed = 0;
      const failed: { id: string; error: Error }[] = [];
      for (const { id, outcome } of outcomes) {
        if (outcome.type === 'RecoveryCompleted') {
          recovered++;
          events += outcome.sequenceNr;
          eventsReplayed += outcome.eventsReplayed;
        } else {
          failed.push({ id, error: outcome.error });
        }
      }
      const durationMs = Math.round(performance.now() - startedAt);
      return { accounts, recovery: { accounts: recovered, events, eventsReplayed, failed, durationMs } };
    } finally {
      watch.stop();
    }
  }

  get size(): number {
    return this.live.size;
  }

  find(id: string): LiveAccount | undefined {
    return this.live.get(id);
  }

  /** Opens `id` through the directory; on success the account's actor is running. */
  async open(id: string, owner: string | null): Promise<OpenResult> {
    const result = await ask(
      this.directory,
      (replyTo: ActorRef<OpenResult>) => ({ type: 'OpenAccount', id, owner, replyTo }),
      { timeoutMs: this.options.askTimeoutMs },
    );
    if (result.ok) this.startAccount(result.entry);
    return result;
  }

  deposit(account: LiveAccount, amount: number): Promise<OperationResult> {
    return ask(account.ref, (replyTo: ActorRef<OperationResult>) => ({ type: 'Deposit', amount, replyTo }), {
      timeoutMs: this.options.askTimeoutMs,
    });
  }

  withdraw(account: LiveAccount, amount: number): Promise<OperationResult> {
    return ask(account.ref, (replyTo: ActorRef<OperationResult>) => ({ type: 'Withdraw', amount, replyTo }), {
      timeoutMs: this.options.askTimeoutMs,
    });
  }

  state(account: LiveAccount): Promise<AccountState> {
    return ask(account.ref, (replyTo: ActorRef<AccountState>) => ({ type: 'GetAccount', replyTo }), {
      timeoutMs: this.options.askTimeoutMs,
    });
  }

  private startAccount(entry: AccountEntry): void {
    if (this.live.has(entry.id)) return;
    const ref = this.system.spawn(accountBehavior(entry.id, { onPersistFailure: this.options.onPersistFailure }), `account-${entry.id}`);
    this.live.set(entry.id, { entry, ref });
  }
}
