/**
 * The sending process of the at-least-once kill test: an AtLeastOnceDeliveryActor on SQLite that
 * produces `total` deliveries, at most `window` unconfirmed at a time, to an outbox actor that
 * forwards them to the parent over IPC. The parent's confirmations come back the same way and are
 * persisted before `confirmDelivery`. Once everything is produced and confirmed it sends `done`.
 *
 *   deliverySender.test-support.ts <database path> <total> <window>
 *
 * Started again on the same file after a SIGKILL, it recovers and goes on where the journal says.
 */
import {
  ActorSystem,
  AtLeastOnceDeliveryActor,
  Behaviors,
  persistentActor,
  type PersistenceResponse,
  type RecoveryCompleted,
  type SnapshotOffer,
  type UnconfirmedWarning,
} from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';

export interface Delivery {
  readonly from: string;
  readonly deliveryId: number;
  readonly n: number;
}

export type ParentMessage = { readonly confirm: number } | { readonly exit: true };
export type ChildMessage = ({ readonly kind: 'delivery' } & Delivery) | { readonly kind: 'done'; readonly produced: number };

type Command = { readonly type: 'produce' } | { readonly type: 'confirm'; readonly deliveryId: number };
type Event = { readonly type: 'Produced'; readonly n: number } | { readonly type: 'Confirmed'; readonly deliveryId: number };

const [path, totalText, windowText] = process.argv.slice(2);
if (path === undefined || totalText === undefined || windowText === undefined || process.send === undefined) {
  throw new Error('usage (with an IPC channel): deliverySender.test-support.ts <database path> <total> <window>');
}
const total = Number(totalText);
const window = Number(windowText);
const toParent = (message: ChildMessage) => process.send?.(message);

const system = ActorSystem.create('sender', {
  logLevel: 'error',
  persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) },
});
const outbox = system.spawn(
  Behaviors.receiveMessage<Delivery>((delivery) => void toParent({ kind: 'delivery', ...delivery })),
  'outbox',
);

class Producer extends AtLeastOnceDeliveryActor<Command, Event> {
  readonly persistenceId = 'Producer|1';
  override redeliverIntervalMs = 200;
  private produced = 0;
  private waiting = false;

  receiveRecover(message: Event | SnapshotOffer | RecoveryCompleted): void {
    if (message.type === 'Produced' || message.type === 'Confirmed') this.apply(message);
  }

  receiveCommand(message: Command | UnconfirmedWarning | PersistenceResponse): void {
    if (message.type === 'produce') {
      if (this.produced >= total) return this.reportIfDone();
      if (this.numberOfUnconfirmed >= window) {
        this.waiting = true;
        return;
      }
      return this.persist({ type: 'Produced', n: this.produced + 1 }, (event) => {
        this.apply(event);
        this.self.tell({ type: 'produce' });
      });
    }
    if (message.type === 'confirm') {
      return this.persist({ type: 'Confirmed', deliveryId: message.deliveryId }, (event) => {
        this.apply(event);
        if (this.waiting) {
          this.waiting = false;
          this.self.tell({ type: 'produce' });
        }
        this.reportIfDone();
      });
    }
  }

  private apply(event: Event): void {
    if (event.type === 'Produced') {
      this.produced = event.n;
      this.deliver<Delivery>(outbox, (deliveryId) => ({ from: this.persistenceId, deliveryId, n: event.n }));
    } else {
      this.confirmDelivery(event.deliveryId);
    }
  }

  private reportIfDone(): void {
    if (this.produced === total && this.numberOfUnconfirmed === 0) toParent({ kind: 'done', produced: this.produced });
  }
}

const producer = system.spawn(persistentActor(() => new Producer()), 'producer');
process.on('message', (message: ParentMessage) => {
  if ('confirm' in message) producer.tell({ type: 'confirm', deliveryId: message.confirm });
  else void system.terminate().then(() => process.exit(0));
});
// Orphaned (the test process died): nothing would read what it sends.
process.on('disconnect', () => process.exit(1));
producer.tell({ type: 'produce' });
