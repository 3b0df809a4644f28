import { expect } from 'vitest';
import { Offset, type EventEnvelope } from '@engram/core';
import type { ReadJournal } from '@engram/core/spi';
import { within } from './DeadlineExceeded.js';
import { awaitEvery, expectExactlyOnce, expectSameOrder, type Expected } from './deliveryChecks.js';
import { describeEnvelopes, keyOf, ofPrefix, offsetNow } from './envelopes.js';
import { LiveCollector, drain } from './LiveCollector.js';
import { Random } from './Random.js';
import type { ReadJournalCaseContext, ReadJournalGroup } from './ReadJournalCase.js';
import { RestartingQuery, type GlobalQuery } from './RestartingQuery.js';
import { plainLane, runLanes, tortureLane, type Lane, type LaneOutcome } from './tortureLanes.js';

const WRITES_PER_LANE = 40;
const RESTART_AFTER = [5, 40] as const;

/** A reader that joined while the writers ran, from the offset of an event another reader had returned. */
interface LateReader {
  readonly collector: LiveCollector<EventEnvelope>;
  readonly reference: LiveCollector<EventEnvelope>;
  /** Index, in the reference's items, of the event it started after. */
  readonly after: number;
}

/** With the tortureWriter option: three torture writers (two lanes each) and plain writers; else plain writers only. */
async function lanesOf(context: ReadJournalCaseContext): Promise<Lane[]> {
  const shared = context.capabilities.sharedStorage;
  const lanes: Lane[] = [];
  if (context.capabilities.tortureWriter) {
    for (let w = 0; w < 3; w++) {
      const writer = await context.tortureWriter(w === 2 && shared ? await context.openJournal() : context.journal);
      lanes.push(tortureLane(`torture${w}a`, writer), tortureLane(`torture${w}b`, writer));
    }
    lanes.push(plainLane('plain0', context.journal), plainLane('plain1', context.journal));
  } else {
    for (let p = 0; p < 4; p++) lanes.push(plainLane(`plain${p}`, context.journal));
  }
  if (shared) lanes.push(plainLane('plain-other-instance', await context.openJournal()));
  return lanes;
}

function collectorOf(what: string, readJournals: readonly ReadJournal[], query: GlobalQuery, start: Offset, random: Random, keep: (e: EventEnvelope) => boolean) {
  const restarting = new RestartingQuery(readJournals, query, start, random, RESTART_AFTER);
  return { restarting, collector: LiveCollector.start(what, (signal) => restarting.events(signal), { keep, describe: describeEnvelopes }) };
}

/** The part of `expected` after the first `count` events `reference` returned. */
function after(expected: Expected, reference: readonly EventEnvelope[], count: number): Expected {
  const before = new Set(reference.slice(0, count).map(keyOf));
  return { committed: new Set([...expected.committed].filter((key) => !before.has(key))), rolledBack: expected.rolledBack };
}

export const gapTortureCases: ReadJournalGroup = {
  name: 'gap torture',
  cases: [
    {
      name:
        'concurrent writers with random commit delays and rolled-back writes (tortureWriter; plain concurrent writes without it): ' +
        'resuming live allEvents and eventsByTag readers get every committed event once, in per-id order, and no rolled-back one',
      run: async (context) => {
        const random = new Random();
        const seed = `seed ${random.seed}`;
        const readJournals = [await context.readJournal({ pageSize: 7 }), await context.readJournal({ pageSize: 23 })];
        const tags = context.tags();
        const tag = tags.of('green');
        const prefix = context.prefix();
        const before = await offsetNow(readJournals[0]!, context.writers(tags), context.pid('marker'), context.deadlineMs);
        const lanes = await lanesOf(context);
        const keep = ofPrefix(prefix);
        const allQuery: GlobalQuery = (rj, offset, signal) => rj.allEvents(offset, { signal });
        const tagQuery: GlobalQuery = (rj, offset, signal) => rj.eventsByTag(tag, offset, { signal });
        const all = collectorOf('allEvents resumed from its last offset', readJournals, allQuery, before, random, keep);
        const byTag = collectorOf(`eventsByTag(${tag}) resumed from its last offset`, readJournals, tagQuery, Offset.start, random, keep);
        const late: LateReader[] = [];
        const joinLate = (reference: LiveCollector<EventEnvelope>, query: GlobalQuery, name: string) => {
          if (reference.items.length === 0) return;
          const index = random.int(0, reference.items.length - 1);
          const start = reference.items[index]!.offset;
          const { collector } = collectorOf(`${name} from ${String(start)}, a random offset`, readJournals, query, start, random, keep);
          late.push({ collector, reference, after: index + 1 });
        };
        const total = lanes.length * WRITES_PER_LANE;
        const joinAt = new Set([Math.floor(total / 4), Math.floor(total / 2), Math.floor((3 * total) / 4)]);
        const onProgress = (outcome: LaneOutcome) => {
          if (!joinAt.delete(outcome.writes)) return;
          joinLate(all.collector, allQuery, 'allEvents');
          joinLate(byTag.collector, tagQuery, `eventsByTag(${tag})`);
        };
        const outcome = await within(
          runLanes(lanes, { prefix, tag, writesPerLane: WRITES_PER_LANE, rollbackRate: 0.2, maxHoldMs: 50, onProgress }, random),
          context.deadlineMs * 3,
          `${lanes.length} writers writing ${WRITES_PER_LANE} times each (${seed})`,
        );
        const everything: Expected = { committed: outcome.committed, rolledBack: outcome.rolledBack };
        const tagged: Expected = { committed: outcome.tagged, rolledBack: outcome.rolledBack };
        const detail = `${seed}, ${outcome.committed.size} events committed, ${outcome.rolledBack.size} rolled back`;
        await awaitEvery(all.collector, everything, context.deadlineMs, detail);
        await awaitEvery(byTag.collector, tagged, context.deadlineMs, detail);
        for (const reader of late) {
          const expected = reader.reference === all.collector ? everything : tagged;
          await awaitEvery(reader.collector, after(expected, reader.reference.items, reader.after), context.deadlineMs, detail);
        }
        const allItems = await all.collector.stop(context.deadlineMs);

        const tagItems = await byTag.collector.stop(context.deadlineMs);
        expectExactlyOnce(allItems, everything, `allEvents, resumed ${all.restarting.restarts} times (${detail})`);
        expectExactlyOnce(tagItems, tagged, `eventsByTag, resumed ${byTag.restarting.restarts} times (${detail})`);
        for (const reader of late) {
          const items = await reader.collector.stop(context.deadlineMs);
          const expected = reader.reference === all.collector ? everything : tagged;
          expectExactlyOnce(items, after(expected, reader.reference.items, reader.after), `${reader.collector.what} (${detail})`);
          expectSameOrder(items, reader.reference.items.slice(reader.after), `${reader.collector.what} versus the reader it joined (${detail})`);
        }
        // Nothing more arrives after the last event each reader saw: no late duplicate or rolled-back event.
        for (const [name, items, query] of [
          ['currentAllEvents', allItems, (rj: ReadJournal, offset: Offset, signal: AbortSignal) => rj.currentAllEvents(offset, { signal })],
          ['currentEventsByTag', tagItems, (rj: ReadJournal, offset: Offset, signal: AbortSignal) => rj.currentEventsByTag(tag, offset, { signal })],
        ] as const) {
          const last = items[items.length - 1];
          if (last === undefined) continue;
          const rest = await drain(`${name} after the last event read`, (signal) => query(readJournals[1]!, last.offset, signal), context.deadlineMs, {
            keep,
            describe: describeEnvelopes,
          });
          expect(rest.map(keyOf), `${name} after ${keyOf(last)}, the last event the live reader returned (${detail})`).toEqual([]);
        }
      },
    },
  ],
};
