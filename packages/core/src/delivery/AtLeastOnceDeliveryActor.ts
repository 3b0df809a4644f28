import type { ActorRef } from '../actor/ActorRef.js';
import type { Cancellable } from '../actor/Scheduler.js';
import { PersistentActor } from '../persistence/PersistentActor.js';
import type { PersistenceResponse } from '../persistence/responses.js';
import { bindingKey, type ClassicBinding } from '../persistence/internal/ClassicLogic.js';
import { checkDeliverySettings, defaultDeliverySettings } from './AtLeastOnceDeliverySettings.js';
import { checkDeliverySnapshot, type AtLeastOnceDeliverySnapshot, type UnconfirmedDelivery } from './AtLeastOnceDeliverySnapshot.js';
import { MaxUnconfirmedMessagesExceeded } from './errors.js';
import { checkMessage, destinationPath, requireMessageFactory } from './internal/checks.js';
import { Redeliverer } from './internal/Redeliverer.js';
import type { UnconfirmedWarning } from './messages.js';

const tick: unique symbol = Symbol('engram.atLeastOnceDelivery.tick');

/**
 * A classic persistent actor that sends messages at least once (Akka's AtLeastOnceDelivery):
 * `deliver` sends and keeps resending until `confirmDelivery` is called with the delivery id the
 * recipient answered with. Call both from the handlers of persisted events (and from
 * `receiveRecover`), so replaying the events rebuilds the same unconfirmed deliveries: during
 * recovery `deliver` only records, and once recovery completes the unconfirmed ones are sent again,
 * oldest first, before anything newer.
 *
 * Settings are fields a subclass overrides (`override redeliverIntervalMs = 300`). The actor
 * receives an `UnconfirmedWarning` in `receiveCommand` for deliveries that stay unconfirmed.
 */
export abstract class AtLeastOnceDeliveryActor<C, E = unknown> extends PersistentActor<C, E> {
  /** A delivery unconfirmed this long after its last send is sent again (checked every half interval). */
  redeliverIntervalMs = defaultDeliverySettings.redeliverIntervalMs;
  /** Most deliveries resent at one check, oldest first. */
  redeliveryBurstLimit = defaultDeliverySettings.redeliveryBurstLimit;
  /** After this many unconfirmed attempts of a delivery, an UnconfirmedWarning names it. */
  warnAfterNumberOfUnconfirmedAttempts = defaultDeliverySettings.warnAfterNumberOfUnconfirmedAttempts;
  /** `deliver` throws MaxUnconfirmedMessagesExceeded while this many are unconfirmed. */
  maxUnconfirmedMessages = defaultDeliverySettings.maxUnconfirmedMessages;

  #currentDeliveryId = 0;
  /** Insertion order is id order: ids only grow, and a snapshot is inserted sorted. */
  #unconfirmed = new Map<number, UnconfirmedDelivery>();
  #redeliverer: Redeliverer | undefined;
  #tickRef: ActorRef<typeof tick> | undefined;
  #timer: Cancellable | undefined;
  #stopped = false;

  /** Commands, the persistence responses, and `UnconfirmedWarning`s about this actor's deliveries. */
  abstract override receiveCommand(message: C | UnconfirmedWarning | PersistenceResponse): void;

  get numberOfUnconfirmed(): number {
    return this.#unconfirmed.size;
  }

  /**
   * Sends `message(deliveryId)` to `destination` (a ref or its path) and keeps resending it until
   * `confirmDelivery(deliveryId)`. Ids start at 1 and grow by one per delivery, across all
   * destinations. During recovery it only records. Throws MaxUnconfirmedMessagesExceeded (and
   * records nothing) when `maxUnconfirmedMessages` are unconfirmed.
   */
  protected deliver<M>(destination: ActorRef<M> | string, message: (deliveryId: number) => M): void {
    const path = destinationPath(destination);
    requireMessageFactory(message);
    const settings = this.#settings();
    if (this.#unconfirmed.size >= settings.maxUnconfirmedMessages) {
      throw new MaxUnconfirmedMessagesExceeded(this.persistenceId, settings.maxUnconfirmedMessages, path);
    }
    const deliveryId = this.#currentDeliveryId + 1;
    const delivery: UnconfirmedDelivery = { deliveryId, destination: path, message: checkMessage(message(deliveryId), deliveryId) };
    this.#currentDeliveryId = deliveryId;
    this.#unconfirmed.set(deliveryId, delivery);
    if (this.isRecovering || this.#stopped) return;
    this.#redeliverer!.send(delivery);
    this.#armTimer();
  }

  /** Stops resending `deliveryId`; true if it was unconfirmed (false for a repeated confirmation). */
  protected confirmDelivery(deliveryId: number): boolean {
    if (!this.#unconfirmed.delete(deliveryId)) return false;
    this.#redeliverer?.forget(deliveryId);
    return true;
  }

  /** Everything needed to restore the deliveries: save it in (or as) a snapshot. */
  getDeliverySnapshot(): AtLeastOnceDeliverySnapshot {
    return { currentDeliveryId: this.#currentDeliveryId, unconfirmedDeliveries: [...this.#unconfirmed.values()] };
  }

  /**
   * Restores what `getDeliverySnapshot` returned, typically from the SnapshotOffer in
   * `receiveRecover`. The restored deliveries count as not sent yet: they go out when recovery
   * completes (or, when called later, at the next redelivery check).
   */
  setDeliverySnapshot(snapshot: AtLeastOnceDeliverySnapshot): void {
    const checked = checkDeliverySnapshot(snapshot, 'setDeliverySnapshot');
    this.#currentDeliveryId = checked.currentDeliveryId;
    this.#unconfirmed = new Map(checked.unconfirmedDeliveries.map((d) => [d.deliveryId, d]));
    this.#redeliverer?.reset();
    if (this.#redeliverer !== undefined && !this.#stopped) this.#armTimer();
  }

  /** @internal */
  override [bindingKey](binding: ClassicBinding<C, E>): void {
    super[bindingKey](binding);
    binding.onRunning = () => this.#onRunning();
    binding.onStop = () => this.#onStop();
  }

  #settings() {
    return checkDeliverySettings({
      redeliverIntervalMs: this.redeliverIntervalMs,
      redeliveryBurstLimit: this.redeliveryBurstLimit,
      warnAfterNumberOfUnconfirmedAttempts: this.warnAfterNumberOfUnconfirmedAttempts,
      maxUnconfirmedMessages: this.maxUnconfirmedMessages,
    });
  }

  #onRunning(): void {
    this.#redeliverer = new Redeliverer(this.context.system, this.log, this.persistenceId);
    this.#tickRef = this.context.messageAdapter<typeof tick>(() => {
      this.#onTick();
      // Nothing reaches receiveCommand: the tick was handled here, inside the actor.
      return undefined as C;
    });
    this.#redeliver();
  }

  #onTick(): void {
    this.#timer = undefined;
    if (!this.#stopped) this.#redeliver();
  }

  #redeliver(): void {
    const warnings = this.#redeliverer!.redeliverDue(() => this.#unconfirmed.values(), this.#settings());
    if (warnings.length > 0) {
      const warning: UnconfirmedWarning = { type: 'UnconfirmedWarning', unconfirmedDeliveries: warnings };
      this.self.tell(warning as C);
    }
    if (this.#unconfirmed.size > 0) this.#armTimer();
  }

  /** One pending check at a time, and none while nothing is unconfirmed. */
  #armTimer(): void {
    if (this.#timer !== undefined || this.#tickRef === undefined) return;
    this.#timer = this.context.scheduleOnce(this.#settings().redeliverIntervalMs / 2, this.#tickRef, tick);
  }

  #onStop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
