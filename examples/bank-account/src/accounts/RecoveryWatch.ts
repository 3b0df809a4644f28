import { Persistence, type ActorSystem } from '@engram/core';

/** How the first recovery of one persistent actor ended. */
export type RecoveryOutcome =
  | {
      readonly type: 'RecoveryCompleted';
      /** The highest sequence nr: how many events the recovered state covers. */
      readonly sequenceNr: number;
      /** Events read from the journal (the ones after the snapshot, if any). */
      readonly eventsReplayed: number;
    }
  | { readonly type: 'RecoveryFailed'; readonly error: Error };

/**
 * Listens to the persistence inspection events of a system and hands out the first recovery
 * outcome of each persistenceId. Subscribe before spawning the actors, so no outcome is missed;
 * `stop()` unsubscribes (inspection costs a little on every recovery and write).
 */
export class RecoveryWatch {
  private readonly outcomes = new Map<string, RecoveryOutcome>();
  private readonly waiting = new Map<string, ((outcome: RecoveryOutcome) => void)[]>();
  private readonly unsubscribe: () => void;

  constructor(system: ActorSystem) {
    this.unsubscribe = Persistence.get(system).inspect((event) => {
      if (event.type === 'RecoveryCompleted') {
        this.settle(event.persistenceId, {
          type: 'RecoveryCompleted',
          sequenceNr: event.sequenceNr,
          eventsReplayed: event.eventsReplayed,
        });
      } else if (event.type === 'RecoveryFailed') {
        this.settle(event.persistenceId, { type: 'RecoveryFailed', error: event.error });
      }
    });
  }

  /** The first outcome of `persistenceId`'s recovery, once there is one. */
  outcome(persistenceId: string): Promise<RecoveryOutcome> {
    const known = this.outcomes.get(persistenceId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const list = this.waiting.get(persistenceId);
      if (list === undefined) this.waiting.set(persistenceId, [resolve]);
      else list.push(resolve);
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private settle(persistenceId: string, outcome: RecoveryOutcome): void {
    if (this.outcomes.has(persistenceId)) return;
    this.outcomes.set(persistenceId, outcome);
    const list = this.waiting.get(persistenceId);
    this.waiting.delete(persistenceId);
    for (const resolve of list ?? []) resolve(outcome);
  }
}
