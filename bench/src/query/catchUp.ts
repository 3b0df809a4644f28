import type { EventEnvelope, ReadJournal } from '@engram/core';
import { accountTag, depositAmount } from './accountLog.js';
import type { Rate } from './rates.js';

/**
 * Engram's catch-up: `currentEventsByTag('account')` from the start to its end, every envelope's
 * event used (its amount summed, so the payload was really parsed). Throws when the query did not
 * return `expected` events or a payload did not parse into the written event.
 */
export async function engramCatchUp(journal: ReadJournal<unknown>, expected: number): Promise<Rate> {
  const start = performance.now();
  let count = 0;
  let sum = 0;
  for await (const envelope of journal.currentEventsByTag(accountTag) as AsyncIterable<EventEnvelope<{ amount: number }>>) {
    sum += envelope.event.amount;
    count++;
  }
  const seconds = (performance.now() - start) / 1000;
  if (count !== expected) throw new Error(`currentEventsByTag returned ${count} events, expected ${expected}`);
  if (sum !== count * depositAmount) throw new Error('currentEventsByTag: the events do not add up to what was written');
  return { count, seconds };
}
