import type { ActorRef } from '../actor/ActorRef.js';
import type { PersistenceResponse, RecoveryCompleted, SnapshotOffer } from '../persistence/responses.js';
import { AtLeastOnceDeliveryActor } from './AtLeastOnceDeliveryActor.js';
import type { AtLeastOnceDeliverySettings } from './AtLeastOnceDeliverySettings.js';
import type { AtLeastOnceDeliverySnapshot } from './AtLeastOnceDeliverySnapshot.js';
import type { UnconfirmedWarning } from './messages.js';

/** What the sender delivers: the delivery id, so the recipient can confirm it. */
export interface Envelope {
  readonly deliveryId: number;
  readonly payload: string;
}

export type SenderCommand =
  | { readonly type: 'send'; readonly payload: string; readonly to: ActorRef<Envelope> | string }
  | { readonly type: 'confirm'; readonly deliveryId: number }
  /** Calls deliver without persisting: to see what deliver itself does. */
  | { readonly type: 'deliverNow'; readonly payload: string; readonly to: string; readonly replyTo: ActorRef<string> }
  | { readonly type: 'snapshot' }
  | { readonly type: 'restore'; readonly snapshot: unknown; readonly replyTo: ActorRef<string> }
  | { readonly type: 'status'; readonly replyTo: ActorRef<Status> }
  | { readonly type: 'stop' };

export type SenderEvent =
  | { readonly type: 'Sent'; readonly payload: string; readonly to: string }
  | { readonly type: 'Confirmed'; readonly deliveryId: number };

export interface Status {
  readonly unconfirmed: number;
  readonly snapshot: AtLeastOnceDeliverySnapshot;
  readonly confirmResults: readonly boolean[];
}

/** Tunes the fixture per test. */
export interface SenderOptions extends Partial<AtLeastOnceDeliverySettings> {
  /** Gets each UnconfirmedWarning the actor receives. */
  readonly warnings?: (warning: UnconfirmedWarning) => void;
  /** Delivers to this path from the RecoveryCompleted handler (to see what goes first). */
  readonly deliverOnRecoveryCompleted?: string;
}

/** Akka's documented pattern: deliver and confirm from the handlers of persisted events. */
export class ClassicSender extends AtLeastOnceDeliveryActor<SenderCommand, SenderEvent> {
  readonly persistenceId: string;
  readonly confirmResults: boolean[] = [];

  constructor(
    id: string,
    private readonly options: SenderOptions = {},
  ) {
    super();
    this.persistenceId = `Sender|${id}`;
    if (options.redeliverIntervalMs !== undefined) this.redeliverIntervalMs = options.redeliverIntervalMs;
    if (options.redeliveryBurstLimit !== undefined) this.redeliveryBurstLimit = options.redeliveryBurstLimit;
    if (options.warnAfterNumberOfUnconfirmedAttempts !== undefined) {
      this.warnAfterNumberOfUnconfirmedAttempts = options.warnAfterNumberOfUnconfirmedAttempts;
    }
    if (options.maxUnconfirmedMessages !== undefined) this.maxUnconfirmedMessages = options.maxUnconfirmedMessages;
  }

  receiveRecover(message: SenderEvent | SnapshotOffer | RecoveryCompleted): void {
    if (message.type === 'SnapshotOffer') return this.setDeliverySnapshot(message.snapshot as AtLeastOnceDeliverySnapshot);
    if (message.type === 'RecoveryCompleted') {
      const to = this.options.deliverOnRecoveryCompleted;
      if (to !== undefined) this.deliver<Envelope>(to, (deliveryId) => ({ deliveryId, payload: 'after recovery' }));
      return;
    }
    this.apply(message);
  }

  receiveCommand(message: SenderCommand | UnconfirmedWarning | PersistenceResponse): void {
    switch (message.type) {
      case 'send': {
        const to = typeof message.to === 'string' ? message.to : message.to.path;
        return this.persist({ type: 'Sent', payload: message.payload, to }, (event) => this.apply(event));
      }
      case 'confirm':
        return this.persist({ type: 'Confirmed', deliveryId: message.deliveryId }, (event) => this.apply(event));
      case 'deliverNow':
        try {
          this.deliver<Envelope>(message.to, (deliveryId) => ({ deliveryId, payload: message.payload }));
          return message.replyTo.tell('delivered');
        } catch (error) {
          return message.replyTo.tell(`${(error as Error).name}: ${(error as Error).message}`);
        }
      case 'snapshot':
        return this.saveSnapshot(this.getDeliverySnapshot());
      case 'restore':
        try {
          this.setDeliverySnapshot(message.snapshot as AtLeastOnceDeliverySnapshot);
          return message.replyTo.tell('restored');
        } catch (error) {
          return message.replyTo.tell(`${(error as Error).name}: ${(error as Error).message}`);
        }
      case 'status':
        return message.replyTo.tell({
          unconfirmed: this.numberOfUnconfirmed,
          snapshot: this.getDeliverySnapshot(),
          confirmResults: [...this.confirmResults],
        });
      case 'stop':
        return this.stopSelf();
      case 'UnconfirmedWarning':
        return this.options.warnings?.(message);
      default:
        return;
    }
  }

  private apply(event: SenderEvent): void {
    if (event.type === 'Sent') {
      this.deliver<Envelope>(event.to, (deliveryId) => ({ deliveryId, payload: event.payload }));
    } else {
      this.confirmResults.push(this.confirmDelivery(event.deliveryId));
    }
  }
}
