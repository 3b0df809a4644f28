import {
  PersistentActor,
  SnapshotSelectionCriteria,
  type ActorRef,
  type EventRejected,
  type JournalFailure,
  type PersistenceResponse,
  type RecoveryCompleted,
  type SnapshotOffer,
} from '@engram/core';

export type WalletCommand =
  | { readonly type: 'deposit'; readonly amount: number; readonly replyTo: ActorRef<WalletReply> }
  | { readonly type: 'withdraw'; readonly amount: number; readonly replyTo: ActorRef<WalletReply> }
  | { readonly type: 'balance'; readonly replyTo: ActorRef<WalletReply> };
export type WalletReply = { readonly ok: true; readonly balance: number } | { readonly ok: false; readonly reason: string };
export type WalletEvent = { readonly type: 'Deposited'; readonly amount: number } | { readonly type: 'Withdrawn'; readonly amount: number };
interface WalletSnapshot {
  readonly balance: number;
}

const snapshotEvery = 3;

/** A wallet as a classic persistent actor: mutable state, rebuilt by receiveRecover. */
export class Wallet extends PersistentActor<WalletCommand, WalletEvent> {
  readonly persistenceId: string;
  private balance = 0;
  /** Who waits for the event being persisted: commands wait meanwhile, so there is one at a time. */
  private waiting: ActorRef<WalletReply> | undefined;

  constructor(
    id: string,
    private readonly report: (line: string) => void,
  ) {
    super();
    this.persistenceId = `Wallet|${id}`;
  }

  /** The snapshot (if any) first, then the events after it, then RecoveryCompleted. */
  receiveRecover(message: WalletEvent | SnapshotOffer | RecoveryCompleted): void {
    switch (message.type) {
      case 'SnapshotOffer':
        this.balance = (message.snapshot as WalletSnapshot).balance;
        this.report(`recovery: snapshot at ${message.metadata.sequenceNr}, balance ${this.balance}`);
        break;
      case 'RecoveryCompleted':
        this.report(`recovery: done at sequence nr ${this.lastSequenceNr}, balance ${this.balance}`);
        break;
      default:
        this.update(message);
        this.report(`recovery: event ${this.lastSequenceNr} ${message.type} ${message.amount}`);
    }
  }

  /** Commands, and the answers to saveSnapshot / deleteMessages / deleteSnapshots. */
  receiveCommand(message: WalletCommand | PersistenceResponse): void {
    switch (message.type) {
      case 'deposit':
        return this.store({ type: 'Deposited', amount: message.amount }, message.replyTo);
      case 'withdraw':
        if (message.amount > this.balance) return message.replyTo.tell({ ok: false, reason: 'insufficient funds' });
        return this.store({ type: 'Withdrawn', amount: message.amount }, message.replyTo);
      case 'balance':
        return message.replyTo.tell({ ok: true, balance: this.balance });
      case 'SaveSnapshotSuccess': {
        const { sequenceNr } = message.metadata;
        this.report(`snapshot saved at ${sequenceNr}`);
        // The snapshot covers everything up to it: older snapshots and events can go.
        this.deleteSnapshots(SnapshotSelectionCriteria.of({ maxSequenceNr: sequenceNr - 1 }));
        return this.deleteMessages(sequenceNr);
      }
      case 'DeleteMessagesSuccess':
        return this.report(`events deleted up to ${message.toSequenceNr}`);
      case 'DeleteSnapshotsSuccess':
        return this.report(`snapshots deleted up to ${message.criteria.maxSequenceNr}`);
      case 'SaveSnapshotFailure':
      case 'DeleteMessagesFailure':
      case 'DeleteSnapshotFailure':
      case 'DeleteSnapshotsFailure':
        return this.log.warn({ err: message.cause }, message.type); // the actor goes on
      case 'DeleteSnapshotSuccess':
        return;
    }
  }

  /** The event was refused (not serializable, too large): nothing changed; the actor goes on. */
  override onPersistRejected(cause: EventRejected): void {
    this.waiting?.tell({ ok: false, reason: `not stored: ${cause.message}` });
    this.waiting = undefined;
  }

  /** The journal failed: the actor stops right after this (or restarts, with onPersistFailure). */
  override onPersistFailure(_cause: JournalFailure): void {
    this.waiting?.tell({ ok: false, reason: 'the store is unavailable, try again later' });
  }

  /** Persists the event; once it is stored: update the state, answer, and snapshot every few events. */
  private store(event: WalletEvent, replyTo: ActorRef<WalletReply>): void {
    this.waiting = replyTo;
    this.persist(event, (stored) => {
      this.waiting = undefined;
      this.update(stored);
      replyTo.tell({ ok: true, balance: this.balance });
      if (this.lastSequenceNr % snapshotEvery === 0) this.saveSnapshot({ balance: this.balance } satisfies WalletSnapshot);
    });
  }

  private update(event: WalletEvent): void {
    this.balance += event.type === 'Deposited' ? event.amount : -event.amount;
  }
}
