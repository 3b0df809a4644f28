import type { AtomicWrite } from '../../spi/PersistentRepr.js';
import type { WriteOutcome } from './JournalBatcher.js';

/**
 * One AtomicWrite of a persistent actor (one persist / persistAll call). Its outcome may be known
 * at once (the events could not be serialized) or arrive from the journal; completions are
 * processed in the order the writes were made either way.
 */
export class WriteSlot {
  outcome: WriteOutcome | undefined;
  /** Events of this write whose handlers have not run yet. */
  remaining: number;

  constructor(
    readonly write: AtomicWrite | undefined,
    /** The events as the actor persisted them (before the event adapter). */
    readonly events: readonly unknown[],
    /** Runs after the last event of the write was handled (or rejected). */
    readonly onDone: ((outcome: WriteOutcome) => void) | undefined,
  ) {
    this.remaining = events.length;
  }
}
