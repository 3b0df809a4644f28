import type { EventEnvelope, ReadJournal } from '@engram/core';
import { accountTag, depositAmount } from './accountLog.js';
import { runBudgetSeconds, type Rate } from './rates.js';

/**
 * Engram's catch-up: `currentEventsByTag('account')` from the start to its end, every envelope's
 * event used (its amount summed, so the payload was really parsed). Throws when the query did not
 * return `expected` events or a payload did not parse into the written event. Stops at the run
 * budget (checked per envelope: a synchronous store's catch-up lets no timer run).
 */
export async function engramCatchUp(journal: ReadJournal<unknown>, expected: number): Promise<Rate> {
  const start = performance.now();
  const deadline = start + runBudgetSeconds * 1000;
  let count = 0;
  let sum = 0;
  let stopped = false;
  for await (const envelope of journal.currentEventsByTag(accountTag) as AsyncIterable<EventEnvelope<{ amount: number }>>) {
    sum += envelope.event.amount;
    count++;
    if ((count & 1023) === 0 && performance.now() > deadline) {
      stopped = true;
      break;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (sum !== count * depositAmount) throw new Error('currentEventsByTag: the events do not add up to what was written');
  if (stopped) return { count, seconds, stoppedShortOf: expected };
  if (count !== expected) throw new Error(`currentEventsByTag returned ${count} events, expected ${expected}`);
  return { count, seconds };
}
