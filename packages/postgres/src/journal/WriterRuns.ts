import type { PersistentRepr } from '@engram/core/spi';

/** The last event this journal stored for an id: by which writer, at which sequence nr. */
interface LastWrite {
  readonly writerUuid: string;
  readonly sequenceNr: number;
}

/**
 * Enough for the actors that write often. When full it starts over: an id it forgot only costs
 * its next event a writer uuid and a `writer_run` row it did not strictly need.
 */
const maxEntries = 100_000;

/**
 * Decides which events start a writer run. An event continues the run of the event before it
 * when this journal stored that event (sequence nr one lower, same writer uuid): then nothing can
 * lie between them, so the event needs no writer uuid of its own. Any other event starts a run:
 * its row carries the writer uuid and a `writer_run` row records where the run starts, so a
 * replay starting anywhere finds the writer of its first event. Only stored writes are
 * remembered: a refused or failed call leaves nothing behind that a later write could lean on.
 */
export class WriterRuns {
  #last = new Map<string, LastWrite>();

  /** One call's view: the writes it carries, in order, on top of what earlier calls stored. */
  plan(): RunPlan {
    return new RunPlan(this.#last);
  }

  /** The call stored the writes of every id in `plan` except `refused`. */
  stored(plan: RunPlan, refused: ReadonlySet<string>): void {
    for (const [pid, last] of plan.pending) {
      if (refused.has(pid)) {
        this.#last.delete(pid);
        continue;
      }
      if (this.#last.size >= maxEntries && !this.#last.has(pid)) this.#last = new Map();
      this.#last.set(pid, last);
    }
  }
}

export class RunPlan {
  readonly pending = new Map<string, LastWrite>();

  constructor(private readonly stored: ReadonlyMap<string, LastWrite>) {}

  /**
   * The writer uuid to store with `event`, the first of its write: its own when it starts a
   * run, null when it continues one.
   */
  writerOf(event: PersistentRepr): string | null {
    const pid = event.persistenceId;
    const before = this.pending.get(pid) ?? this.stored.get(pid);
    const continues = before !== undefined && before.writerUuid === event.writerUuid && before.sequenceNr === event.sequenceNr - 1;
    return continues ? null : event.writerUuid;
  }

  /** `last` is the last event of a write of the call. */
  wrote(last: PersistentRepr): void {
    this.pending.set(last.persistenceId, { writerUuid: last.writerUuid, sequenceNr: last.sequenceNr });
  }
}
