import { describe, expect, it } from 'vitest';
import { ActorSystem } from '../actor/ActorSystem.js';
import { ask } from '../actor/ask.js';
import type { ActorRef } from '../actor/ActorRef.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import type { Journal } from '../spi/Journal.js';
import { Effect } from './Effect.js';
import { eventSourced } from './eventSourced.js';

/**
 * A MemoryJournal that advertises `writeConcurrency` and records how many calls overlapped. Calls
 * are held until `expected` of them are in flight or every one of the `total` writes has been
 * handed over, so the figure does not depend on how many turns the actors' recoveries and
 * commands happen to spread over (a busy machine spreads them further).
 */
function countingJournal(writeConcurrency: number | undefined, expected: number, total: number) {
  const inner = new MemoryJournal();
  const seen = { inFlight: 0, most: 0, calls: 0 };
  let handedOver = 0;
  let release: () => void = () => {};
  let released = new Promise<void>((resolve) => (release = resolve));
  const journal: Journal = {
    ...(writeConcurrency === undefined ? {} : { writeConcurrency }),
    writeMessages: async (writes) => {
      seen.calls++;
      seen.most = Math.max(seen.most, ++seen.inFlight);
      handedOver += writes.length;
      if (seen.inFlight >= expected || handedOver >= total) release();
      const gate = released;
      try {
        await gate;
        return await inner.writeMessages(writes);
      } finally {
        if (--seen.inFlight === 0) released = new Promise<void>((resolve) => (release = resolve));
      }
    },
    replayMessages: (...args) => inner.replayMessages(...args),
    readHighestSequenceNr: (...args) => inner.readHighestSequenceNr(...args),
    deleteMessagesTo: (...args) => inner.deleteMessagesTo(...args),
  };
  return { journal, seen };
}

type Command = { readonly replyTo: ActorRef<number> };

/** 400 counters each persisting one event in the same turn: enough to fill 4 calls of 100. */
async function persistFromManyActors(journal: Journal, maxConcurrentWrites?: number): Promise<number[]> {
  const system = ActorSystem.create('concurrency', {
    logLevel: 'warn',
    persistence: { journal, ...(maxConcurrentWrites === undefined ? {} : { maxConcurrentWrites }) },
  });
  try {
    const refs = Array.from({ length: 400 }, (_, i) =>
      system.spawn(
        eventSourced<Command, number, number>({
          persistenceId: `counter|${i}`,
          emptyState: 0,
          commandHandler: (_state, command) => Effect.persist(1).thenReply(command.replyTo, (state) => state),
          eventHandler: (state, event) => state + event,
        }),
      ),
    );
    return await Promise.all(refs.map((ref) => ask<Command, number>(ref, (replyTo) => ({ replyTo }), { timeoutMs: 10_000 })));
  } finally {
    await system.terminate();
  }
}

describe('Persistence write concurrency', () => {
  it.each([
    ['the journal advertises none: one call at a time', undefined, undefined, 1],
    ["the journal's writeConcurrency", 4, undefined, 4],
    ['maxConcurrentWrites overrides the journal', 4, 2, 2],
  ])('keeps as many journal calls in flight as %s', async (_, advertised, configured, expected) => {
    const { journal, seen } = countingJournal(advertised, expected, 400);
    expect(await persistFromManyActors(journal, configured)).toEqual(Array.from({ length: 400 }, () => 1));
    expect(seen.most).toBe(expected);
  });
});
