import type { ActorSystem } from '../../actor/ActorSystem.js';
import type { Logger } from '../../actor/Logger.js';
import type { AtLeastOnceDeliverySettings } from '../AtLeastOnceDeliverySettings.js';
import type { UnconfirmedDelivery } from '../AtLeastOnceDeliverySnapshot.js';

interface Attempts {
  readonly sentAt: number;
  readonly count: number;
}

/**
 * What a sender keeps beside its persisted deliveries: when each was last sent and how often, in
 * this incarnation only (a restart starts the counts again, as in Akka). A delivery it has no entry
 * for is due at once: that is how deliveries recovered from events or a snapshot go out.
 *
 * Destinations are paths, resolved at every send, so a destination recreated at the same path gets
 * the redeliveries; one that does not exist makes a dead letter per attempt and stays unconfirmed.
 */
export class Redeliverer {
  private readonly attempts = new Map<number, Attempts>();
  /** Where a check cut short by the burst limit stopped (0: start from the oldest). */
  private cursor = 0;

  constructor(
    private readonly system: ActorSystem,
    private readonly log: Logger,
    private readonly persistenceId: string,
  ) {}

  send(delivery: UnconfirmedDelivery): void {
    const previous = this.attempts.get(delivery.deliveryId);
    this.system.refResolver.resolveActorRef<unknown>(delivery.destination).tell(delivery.message);
    this.attempts.set(delivery.deliveryId, { sentAt: this.now(), count: (previous?.count ?? 0) + 1 });
  }

  wasSent(deliveryId: number): boolean {
    return this.attempts.has(deliveryId);
  }

  forget(deliveryId: number): void {
    this.attempts.delete(deliveryId);
  }

  reset(): void {
    this.attempts.clear();
    this.cursor = 0;
  }

  /**
   * Sends what is due (never sent, or last sent an interval ago or more), oldest first, at most the
   * burst limit. A check cut short by the limit is continued by the next one from where it stopped,
   * so a backlog larger than the limit cannot starve its newer deliveries. Returns the deliveries
   * that had reached `warnAfterNumberOfUnconfirmedAttempts` before this send, and logs them.
   */
  redeliverDue(unconfirmed: () => Iterable<UnconfirmedDelivery>, settings: AtLeastOnceDeliverySettings): UnconfirmedDelivery[] {
    const deadline = this.now() - settings.redeliverIntervalMs;
    const warnings: UnconfirmedDelivery[] = [];
    const resumeAfter = this.cursor;
    let sent = 0;
    this.cursor = 0;
    const pass = (take: (deliveryId: number) => boolean): boolean => {
      for (const delivery of unconfirmed()) {
        if (!take(delivery.deliveryId)) continue;
        if (sent >= settings.redeliveryBurstLimit) return false;
        const attempts = this.attempts.get(delivery.deliveryId);
        if (attempts !== undefined && attempts.sentAt > deadline) continue;
        if (attempts?.count === settings.warnAfterNumberOfUnconfirmedAttempts) warnings.push(delivery);
        this.send(delivery);
        this.cursor = delivery.deliveryId;
        sent++;
      }
      return true;
    };
    const finished = pass((id) => id > resumeAfter) && (resumeAfter === 0 || pass((id) => id <= resumeAfter));
    if (finished) this.cursor = 0;
    if (warnings.length > 0) {
      this.log.warn(
        {
          persistenceId: this.persistenceId,
          deliveryIds: warnings.map((d) => d.deliveryId),
          destinations: [...new Set(warnings.map((d) => d.destination))],
        },
        `${warnings.length} deliveries unconfirmed after ${settings.warnAfterNumberOfUnconfirmedAttempts} attempts; still redelivering`,
      );
    }
    return warnings;
  }

  /** Drops the entries of deliveries confirmed meanwhile (for senders that do not say when). */
  keepOnly(unconfirmed: Iterable<UnconfirmedDelivery>, count: number): void {
    if (this.attempts.size <= count) return;
    const kept = new Map<number, Attempts>();
    for (const { deliveryId } of unconfirmed) {
      const attempts = this.attempts.get(deliveryId);
      if (attempts !== undefined) kept.set(deliveryId, attempts);
    }
    this.attempts.clear();
    for (const [id, attempts] of kept) this.attempts.set(id, attempts);
  }

  private now(): number {
    const scheduler = this.system.scheduler;
    return scheduler.monotonicNow?.() ?? scheduler.now();
  }
}
