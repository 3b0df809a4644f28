import { Offset, type EventEnvelope } from '@engram/core';
import type { Journal } from '@engram/core/spi';
import { within } from './DeadlineExceeded.js';
import { awaitEvery, expectExactlyOnce, expectSameOrder, type Expected } from './deliveryChecks.js';
import { describeEnvelopes, ofPrefix, offsetNow } from './envelopes.js';
import type { EventWriters } from './EventWriters.js';
import { LiveCollector, drain } from './LiveCollector.js';
import { Random } from './Random.js';
import type { ReadJournalGroup } from './ReadJournalCase.js';
import { RestartingQuery } from './RestartingQuery.js';

const SYSTEMS = 3;
const IDS_PER_SYSTEM = 4;
const COMMANDS_PER_ID = 12;

/** Per id, the commands it persists: one or two event strings each, about half of them green. */
function plan(random: Random, ids: readonly string[]): Map<string, string[][]> {
  const commands = new Map<string, string[][]>();
  for (const pid of ids) {
    const list: string[][] = [];
    for (let n = 1; n <= COMMANDS_PER_ID; n++) {
      const size = random.int(1, 2);
      list.push(Array.from({ length: size }, (_, i) => `${random.chance(0.5) ? 'a green' : 'a plain'} event ${n}.${i}`));
    }
    commands.set(pid, list);
  }
  return commands;
}

function expectedOf(commands: ReadonlyMap<string, readonly (readonly string[])[]>, tagged: (event: string) => boolean): Expected {
  const committed = new Set<string>();
  for (const [pid, list] of commands) {
    let seq = 0;
    for (const event of list.flat()) {
      seq++;
      if (tagged(event)) committed.add(`${pid}:${seq}`);
    }
  }
  return { committed, rolledBack: new Set() };
}

export const concurrentWritersCases: ReadJournalGroup = {
  name: 'concurrent writers',
  cases: [
    {
      name: `${SYSTEMS} actor systems persisting at once (on separate journal instances with sharedStorage): live queries skip and repeat nothing`,
      run: async (context) => {
        const random = new Random();
        const seed = `seed ${random.seed}`;
        const [small, odd] = [await context.readJournal({ pageSize: 5 }), await context.readJournal({ pageSize: 13 })];
        const tags = context.tags();
        const green = tags.of('green');
        const first = context.writers(tags);
        const before = await offsetNow(small, first, context.pid('marker'), context.deadlineMs);
        const systems: EventWriters[] = [first];
        for (let i = 1; i < SYSTEMS; i++) {
          const journal: Journal = context.capabilities.sharedStorage ? await context.openJournal() : context.journal;
          systems.push(context.writers(tags, journal));
        }
        const prefix = context.prefix();
        const idsOf = systems.map((_, s) => Array.from({ length: IDS_PER_SYSTEM }, (_, k) => `${prefix}s${s}-p${k}`));
        const commands = plan(random, idsOf.flat());
        const keep = ofPrefix(prefix);
        const byTag = LiveCollector.start(`eventsByTag(${green})`, (signal) => small.eventsByTag(green, Offset.start, { signal }), { describe: describeEnvelopes });
        const all = LiveCollector.start('allEvents', (signal) => odd.allEvents(before, { signal }), { keep, describe: describeEnvelopes });
        const restarting = new RestartingQuery([small, odd], (rj, offset, signal) => rj.allEvents(offset, { signal }), before, random, [3, 12]);
        const resumed = LiveCollector.start('allEvents resumed from its last offset every few events', (signal) => restarting.events(signal), {
          keep,
          describe: describeEnvelopes,
        });
        const writing = systems.flatMap((writers, s) =>
          idsOf[s]!.map(async (pid) => {
            for (const events of commands.get(pid)!) await writers.persist(pid, ...events);
          }),
        );
        await within(Promise.all(writing), context.deadlineMs * 2, `${SYSTEMS} actor systems persisting ${commands.size * COMMANDS_PER_ID} commands`);
        const everything = expectedOf(commands, () => true);
        const tagged = expectedOf(commands, (event) => event.startsWith('a green'));
        await awaitEvery(byTag, tagged, context.deadlineMs, seed);
        await awaitEvery(all, everything, context.deadlineMs, seed);
        await awaitEvery(resumed, everything, context.deadlineMs, seed);
        const [tagItems, allItems, resumedItems] = [await byTag.stop(context.deadlineMs), await all.stop(context.deadlineMs), await resumed.stop(context.deadlineMs)];
        expectExactlyOnce(tagItems, tagged, `eventsByTag (${seed})`);
        expectExactlyOnce(allItems, everything, `allEvents (${seed})`);
        expectExactlyOnce(resumedItems, everything, `allEvents resumed ${restarting.restarts} times (${seed})`);
        expectSameOrder(resumedItems, allItems, `allEvents resumed ${restarting.restarts} times versus one allEvents (${seed})`);
        const current: EventEnvelope[] = await drain('currentAllEvents', (signal) => small.currentAllEvents(before, { signal }), context.deadlineMs, { keep });
        expectSameOrder(current, allItems, `currentAllEvents afterwards versus the live allEvents (${seed})`);
      },
    },
  ],
};
