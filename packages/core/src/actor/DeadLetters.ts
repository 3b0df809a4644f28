import type { Logger } from './Logger.js';
import { describeMessage } from './errors.js';

/** A message that could not be delivered. */
export interface DeadLetter {
  readonly message: unknown;
  /** Path of the intended recipient. */
  readonly recipient: string;
  readonly reason: DeadLetterReason;
}

export type DeadLetterReason =
  | 'recipient stopped'
  | 'restart stash full'
  | 'stash discarded'
  | 'reply already received'
  | 'no such actor';

/**
 * The dead-letter channel: every undeliverable message is published here. Tests and monitoring
 * subscribe; the first `logLimit` dead letters are also logged (then a note that logging stopped).
 */
export class DeadLetters {
  private readonly listeners = new Set<(deadLetter: DeadLetter) => void>();
  private published = 0;

  constructor(
    private readonly log: Logger,
    private readonly logLimit: number,
  ) {}

  /** Number of dead letters published since the system started. */
  get count(): number {
    return this.published;
  }

  /** Calls `listener` for each dead letter from now on; returns the unsubscribe function. */
  subscribe(listener: (deadLetter: DeadLetter) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(deadLetter: DeadLetter): void {
    this.published++;
    if (this.published <= this.logLimit) {
      this.log.info(
        { recipient: deadLetter.recipient, message: describeMessage(deadLetter.message) },
        `dead letter (${deadLetter.reason})` +
          (this.published === this.logLimit ? `; logged ${this.logLimit}, not logging more` : ''),
      );
    }
    for (const listener of this.listeners) listener(deadLetter);
  }
}
