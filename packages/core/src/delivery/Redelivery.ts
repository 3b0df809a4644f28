import type { ActorContext } from '../actor/ActorContext.js';
import type { TimerScheduler } from '../actor/TimerScheduler.js';
import type { AtLeastOnceDelivery } from './AtLeastOnceDelivery.js';
import { checkDeliverySettings, type AtLeastOnceDeliverySettings } from './AtLeastOnceDeliverySettings.js';
import type { UnconfirmedDelivery } from './AtLeastOnceDeliverySnapshot.js';
import { MaxUnconfirmedMessagesExceeded } from './errors.js';
import { Redeliverer } from './internal/Redeliverer.js';
import { RedeliveryTick, type UnconfirmedWarning } from './messages.js';

const timerKey = 'engram.atLeastOnceDelivery.redeliver';

/** The command type must take the two messages the helper sends the actor. */
type DeliveryCommands<C> = [RedeliveryTick | UnconfirmedWarning] extends [C]
  ? unknown
  : { readonly 'the command type must include RedeliveryTick and UnconfirmedWarning': never };

/**
 * The sending side of at-least-once delivery for an `eventSourced` actor, whose state holds an
 * `AtLeastOnceDelivery` value. Create one per actor in `Behaviors.withTimers` + `Behaviors.setup`,
 * around `eventSourced`, and call it from the handlers:
 *
 * - signal handler, `RecoveryCompleted`: `recoveryCompleted(state.delivery)` sends what is
 *   unconfirmed, oldest first;
 * - after persisting an event that recorded deliveries: `.thenRun((s) => redelivery.sendNew(s.delivery))`;
 * - command `RedeliveryTick`: `redelivery.redeliver(state.delivery)`, which also sends the actor an
 *   `UnconfirmedWarning` for deliveries past `warnAfterNumberOfUnconfirmedAttempts`;
 * - before persisting a delivery: `ensureCapacity(state.delivery, destination)`.
 *
 * It keeps only what is not persisted (when each delivery was last sent, in this incarnation).
 */
export class Redelivery<C> {
  readonly settings: AtLeastOnceDeliverySettings;
  readonly #ctx: ActorContext<C>;
  readonly #timers: TimerScheduler<C>;
  readonly #redeliverer: Redeliverer;
  /** Deliveries up to this id were sent (or are due from recovery): `sendNew` sends only later ones. */
  #known = 0;

  constructor(ctx: ActorContext<C> & DeliveryCommands<C>, timers: TimerScheduler<C>, settings: Partial<AtLeastOnceDeliverySettings> = {}) {
    this.settings = checkDeliverySettings(settings);
    this.#ctx = ctx;
    this.#timers = timers;
    this.#redeliverer = new Redeliverer(ctx.system, ctx.log, ctx.self.path);
  }

  /** Throws MaxUnconfirmedMessagesExceeded when no further delivery is allowed. */
  ensureCapacity(delivery: AtLeastOnceDelivery, destination: { readonly path: string } | string): void {
    if (delivery.unconfirmedDeliveries.length >= this.settings.maxUnconfirmedMessages) {
      const path = typeof destination === 'string' ? destination : destination.path;
      throw new MaxUnconfirmedMessagesExceeded(this.#ctx.self.path, this.settings.maxUnconfirmedMessages, path);
    }
  }

  /** After recovery: forgets earlier sends and sends every unconfirmed delivery, oldest first (burst-limited). */
  recoveryCompleted(delivery: AtLeastOnceDelivery): void {
    this.#redeliverer.reset();
    this.#known = delivery.currentDeliveryId;
    this.redeliver(delivery);
  }

  /** Sends the deliveries recorded since the last call (or since recovery), in id order. */
  sendNew(delivery: AtLeastOnceDelivery): void {
    const list = delivery.unconfirmedDeliveries;
    let first = list.length;
    while (first > 0 && list[first - 1]!.deliveryId > this.#known) first--;
    for (let i = first; i < list.length; i++) this.#redeliverer.send(list[i]!);
    this.#known = Math.max(this.#known, delivery.currentDeliveryId);
    this.#arm(delivery);
  }

  /** Resends what is overdue; call it for every RedeliveryTick. */
  redeliver(delivery: AtLeastOnceDelivery): void {
    const list: readonly UnconfirmedDelivery[] = delivery.unconfirmedDeliveries;
    const warnings = this.#redeliverer.redeliverDue(() => list, this.settings);
    this.#redeliverer.keepOnly(list, list.length);
    if (warnings.length > 0) {
      const warning: UnconfirmedWarning = { type: 'UnconfirmedWarning', unconfirmedDeliveries: warnings };
      this.#ctx.self.tell(warning as C);
    }
    this.#arm(delivery);
  }

  #arm(delivery: AtLeastOnceDelivery): void {
    if (delivery.unconfirmedDeliveries.length === 0 || this.#timers.isTimerActive(timerKey)) return;
    this.#timers.startSingleTimer(timerKey, RedeliveryTick as C, this.settings.redeliverIntervalMs / 2);
  }
}
