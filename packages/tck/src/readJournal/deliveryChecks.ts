import { expect } from 'vitest';
import type { EventEnvelope } from '@engram/core';
import { isErrorNamed } from '@engram/core/spi';
import { expectPerIdOrder, keyOf } from './envelopes.js';
import type { LiveCollector } from './LiveCollector.js';

/** What a reader must return: the committed events, and those it must never return. */
export interface Expected {
  /** `persistenceId:sequenceNr` of every committed event the reader must return once. */
  readonly committed: ReadonlySet<string>;
  /** Events whose write was rolled back. */
  readonly rolledBack: ReadonlySet<string>;
}

function firstFew(keys: Iterable<string>, count = 10): string {
  const all = [...keys];
  return all.slice(0, count).join(', ') + (all.length > count ? `, ... (${all.length} in all)` : '');
}

/**
 * Waits until `collector` returned every committed event; at the deadline fails naming the ones
 * still missing (skipped events never come).
 */
export async function awaitEvery(collector: LiveCollector<EventEnvelope>, expected: Expected, deadlineMs: number, context: string): Promise<void> {
  const found = new Set<string>();
  let scanned = 0;
  const covered = (items: readonly EventEnvelope[]) => {
    for (; scanned < items.length; scanned++) {
      const key = keyOf(items[scanned]!);
      if (expected.committed.has(key)) found.add(key);
    }
    return found.size === expected.committed.size;
  };
  try {
    await collector.waitFor(covered, deadlineMs, `all ${expected.committed.size} committed events`);
  } catch (error) {
    if (!isErrorNamed(error, 'DeadlineExceeded')) throw error;
    const keys = new Set(collector.items.map(keyOf));
    const missing = [...expected.committed].filter((key) => !keys.has(key));
    expect.fail(
      `${collector.what} (${context}): ${missing.length} committed event(s) never arrived within ${deadlineMs} ms ` +
        `(skipped behind a later one?): ${firstFew(missing)}; it returned ${collector.items.length}`,
    );
  }
}

/** Every committed event exactly once, none rolled back, none unknown, each id in sequence order. */
export function expectExactlyOnce(received: readonly EventEnvelope[], expected: Expected, what: string): void {
  const counts = new Map<string, number>();
  for (const envelope of received) counts.set(keyOf(envelope), (counts.get(keyOf(envelope)) ?? 0) + 1);
  const rolledBack = [...counts.keys()].filter((key) => expected.rolledBack.has(key));
  expect(rolledBack, `${what}: events of rolled-back writes were returned: ${firstFew(rolledBack)}`).toEqual([]);
  const unknown = [...counts.keys()].filter((key) => !expected.committed.has(key));
  expect(unknown, `${what}: events nobody committed were returned: ${firstFew(unknown)}`).toEqual([]);
  const twice = [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${key} (${count} times)`);
  expect(twice, `${what}: events returned more than once: ${firstFew(twice)}`).toEqual([]);
  const missing = [...expected.committed].filter((key) => !counts.has(key));
  expect(missing, `${what}: committed events never returned: ${firstFew(missing)}`).toEqual([]);
  expectPerIdOrder(received, what);
}

/** Two readers of one global order returned the same events in the same order. */
export function expectSameOrder(actual: readonly EventEnvelope[], reference: readonly EventEnvelope[], what: string): void {
  const a = actual.map(keyOf);
  const r = reference.map(keyOf);
  const first = a.findIndex((key, i) => key !== r[i]);
  if (first >= 0 || a.length !== r.length) {
    const at = first >= 0 ? first : Math.min(a.length, r.length);
    expect.fail(
      `${what}: the global order differs at position ${at}: ${a[at] ?? '(nothing)'} instead of ${r[at] ?? '(nothing)'} ` +
        `(${a.length} versus ${r.length} events)`,
    );
  }
}
