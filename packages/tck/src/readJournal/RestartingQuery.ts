import type { EventEnvelope, Offset } from '@engram/core';
import type { ReadJournal } from '@engram/core/spi';
import type { Random } from './Random.js';

export type GlobalQuery = (readJournal: ReadJournal, offset: Offset, signal: AbortSignal) => AsyncIterable<EventEnvelope>;

/**
 * A live query that its consumer stops and resumes from the last offset it saw, again and again,
 * as a projection does across restarts: after a random number of events it breaks out, prints the
 * offset, and starts a new query from the parsed text, taking turns between read journals (another
 * process resuming).
 */
export class RestartingQuery {
  /** How many times it resumed. */
  restarts = 0;

  constructor(
    private readonly readJournals: readonly ReadJournal[],
    private readonly query: GlobalQuery,
    private readonly start: Offset,
    private readonly random: Random,
    private readonly restartAfter: readonly [min: number, max: number],
  ) {
    if (readJournals.length === 0) throw new RangeError('RestartingQuery needs at least one read journal');
  }

  /** The events in order, across restarts; ends when `signal` aborts. */
  async *events(signal: AbortSignal): AsyncGenerator<EventEnvelope> {
    let offset = this.start;
    for (let run = 0; !signal.aborted; run++) {
      const readJournal = this.readJournals[run % this.readJournals.length]!;
      let budget = this.random.int(...this.restartAfter);
      const from = run === 0 ? offset : readJournal.parseOffset(String(offset));
      for await (const envelope of this.query(readJournal, from, signal)) {
        offset = envelope.offset;
        yield envelope;
        if (--budget === 0) break;
      }
      // The query completed without being stopped: aborted, or its read journal closed.
      if (budget > 0) return;
      this.restarts++;
    }
  }
}
