import { ActorSystem, Effect, eventSourced, type ActorRef, type Behavior } from '@engram/core';
import { applyDeposit, depositedEvent, emptyBalance, type Balance, type Deposited } from '../persistence/accountEvents.js';
import { pidOf } from '../sqlite/workload.js';
import { accountTag } from './accountLog.js';

/** A deposit command, stamped when it was sent. */
interface Deposit {
  readonly sentAt: number;
}

/** The write load the latency figures are measured under. */
export interface LoadShape {
  readonly actors: number;
  /** Commands per second over all actors, sent evenly (a few each millisecond), round robin. */
  readonly eventsPerSecond: number;
  readonly seconds: number;
  /** Events persisted before this much time has passed are not measured. */
  readonly warmupSeconds: number;
}

export interface LoadResult {
  /** Events stored (every command persists one). */
  readonly stored: number;
  /** Epoch ms from which events count: the consumer measures only events with a timestamp at or after it. */
  readonly measureFrom: number;
  /** Persist to the writer's own "stored" callback, ms, for events persisted after `measureFrom`. */
  readonly ackLatencies: readonly number[];
}

/**
 * An account that persists one Deposited event (tagged `account`) per command; `stored` gets the
 * time the persist was issued, which is also the event's stored timestamp (the system clock's
 * `now()` in the same turn).
 */
function taggedAccount(persistenceId: string, stored: (persistedAt: number) => void): Behavior<Deposit> {
  return eventSourced<Deposit, Deposited, Balance>({
    persistenceId,
    emptyState: emptyBalance,
    tagger: () => [accountTag],
    commandHandler: (state) => {
      const persistedAt = Date.now();
      return Effect.persist(depositedEvent(persistenceId, state.count + 1)).thenRun(() => stored(persistedAt));
    },
    eventHandler: applyDeposit,
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `shape.actors` accounts in `system` persisting at an even rate. Resolves once every sent command's
 * event is stored (deadline: `drainMs` after the last send).
 */
export async function runLoad(system: ActorSystem, shape: LoadShape, drainMs = 30_000): Promise<LoadResult> {
  const ackLatencies: number[] = [];
  let stored = 0;
  let measureFrom = Infinity;
  const refs: ActorRef<Deposit>[] = [];
  for (let i = 0; i < shape.actors; i++) {
    refs.push(
      system.spawn(
        taggedAccount(pidOf(i), (persistedAt) => {
          stored++;
          if (persistedAt >= measureFrom) ackLatencies.push(Date.now() - persistedAt);
        }),
        `account-${i}`,
      ),
    );
  }
  // Recovery of every actor (empty) before the clock starts.
  await system.whenIdle();
  const start = performance.now();
  measureFrom = Date.now() + shape.warmupSeconds * 1000;
  let sent = 0;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= shape.seconds) break;
    const due = Math.floor(elapsed * shape.eventsPerSecond);
    for (; sent < due; sent++) refs[sent % refs.length]!.tell({ sentAt: Date.now() });
    await sleep(1);
  }
  const deadline = performance.now() + drainMs;
  while (stored < sent) {
    if (performance.now() > deadline) throw new Error(`the load: ${sent - stored} of ${sent} events not stored ${drainMs} ms after the last command`);
    await sleep(5);
  }
  return { stored, measureFrom, ackLatencies };
}
