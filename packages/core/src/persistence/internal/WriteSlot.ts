import type { AtomicWrite } from '../../spi/PersistentRepr.js';
import type { EventRejected, PersistFailure } from '../errors.js';
import type { WriteOutcome } from './JournalBatcher.js';

/**
 * One AtomicWrite of a persistent actor (one persist / persistAll call). Its outcome may be known
 * at once (the events could not be serialized) or arrive from the journal; completions are
 * processed in the order the writes were made either way.
 */
export class WriteSlot {
  /** The outcome as the actor handles it (set in the actor's turn, in write order). */
  outcome: WriteOutcome | undefined;
  /**
   * The journal's answer as soon as it arrived, before the actor's turn: what an incarnation that
   * ends first needs to know whether these events were stored.
   */
  settled: WriteOutcome | undefined;
  /** Events of this write whose handlers have not run yet. */
  remaining: number;
  /** The rejection of the write's first event, once reported. */
  rejection: EventRejected | undefined;
  private failureReported = false;

  constructor(
    readonly write: AtomicWrite | undefined,
    /** The events as the actor persisted them (before the event adapter). */
    readonly events: readonly unknown[],
    readonly firstSequenceNr: number,
    /** Runs after the last event of the write was handled (or rejected). */
    readonly onDone: ((outcome: WriteOutcome) => void) | undefined,
    /** Runs once if the events are not stored. */
    private readonly onFailure: ((error: PersistFailure) => void) | undefined,
  ) {
    this.remaining = events.length;
  }

  /** What is known of the write so far: undefined while it is queued or in flight. */
  get known(): WriteOutcome | undefined {
    return this.outcome ?? this.settled;
  }

  /** Tells the front door the events were not stored; at most once per write. */
  reportFailure(error: PersistFailure): void {
    if (this.failureReported || this.onFailure === undefined) return;
    this.failureReported = true;
    this.onFailure(error);
  }
}
