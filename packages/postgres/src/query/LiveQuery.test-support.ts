import type { EventEnvelope, Offset, ReadJournal } from '@engram/core';
import { waitFor } from './waitFor.test-support.js';

/** `pid:seq` of an envelope, the form the tests compare. */
export const key = (envelope: EventEnvelope<unknown>): string => `${envelope.persistenceId}:${envelope.sequenceNr}`;

/**
 * A live query consumed in the background, as a projection would: what it has delivered so far,
 * and waits (with deadlines) for what it should deliver.
 */
export class LiveQuery {
  readonly envelopes: EventEnvelope<unknown>[] = [];
  private readonly abort = new AbortController();
  private failure: unknown;
  private readonly done: Promise<void>;

  constructor(start: (signal: AbortSignal) => AsyncIterable<EventEnvelope<unknown>>) {
    const query = start(this.abort.signal);
    this.done = (async () => {
      try {
        for await (const envelope of query) this.envelopes.push(envelope);
      } catch (error) {
        this.failure = error;
      }
    })();
  }

  static allEvents(readJournal: ReadJournal<unknown>, offset?: Offset): LiveQuery {
    return new LiveQuery((signal) => readJournal.allEvents(offset, { signal }));
  }

  get keys(): string[] {
    return this.envelopes.map(key);
  }

  /** Resolves once the query delivered `wanted` (by `pid:seq`); rejects after `deadlineMs` naming what is missing. */
  async delivered(wanted: readonly string[], deadlineMs = 10_000): Promise<void> {
    await waitFor(`the live query to deliver ${wanted.join(', ')} (it has ${this.keys.join(', ') || 'nothing'})`, deadlineMs, () => {
      if (this.failure !== undefined) throw this.failure;
      const seen = new Set(this.keys);
      return wanted.every((k) => seen.has(k)) ? true : undefined;
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
    if (this.failure !== undefined) throw this.failure;
  }
}
