import { expect } from 'vitest';
import { Offset } from '@engram/core';
import { isErrorNamed, type ReadJournal } from '@engram/core/spi';
import { currentByTag } from './byTagCases.js';
import { describeEnvelopes, errorOf, ofIds, seen } from './envelopes.js';
import { drain } from './LiveCollector.js';
import type { ReadJournalCaseContext, ReadJournalGroup } from './ReadJournalCase.js';

async function expectInvalidOffset(context: ReadJournalCaseContext, action: () => unknown, text: string, what: string): Promise<void> {
  const error = await errorOf(action, what, context.deadlineMs);
  if (!isErrorNamed(error, 'InvalidOffset')) {
    expect.fail(`${what}: expected an Error named InvalidOffset, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  expect(error.message, `${what}: the message names the offset`).toContain(JSON.stringify(text));
}

/** Another store's kind, as its offsets print it. */
function foreignKind(readJournal: ReadJournal): string {
  return readJournal.offsetKind === 'sqlite' ? 'postgres' : 'sqlite';
}

export const offsetCases: ReadJournalGroup = {
  name: 'offsets',
  cases: [
    {
      name: 'an offset survives String() and Offset.parse: resuming from the text returns the same events, also in another read journal',
      run: async (context) => {
        const readJournal = await context.readJournal({ pageSize: 2 });
        const tags = context.tags();
        const writers = context.writers(tags);
        const [a, b] = [context.pid('a'), context.pid('b')];
        for (const [pid, event] of [[a, 'a green apple'], [b, 'a green leaf'], [a, 'a blue sky'], [b, 'a green banana'], [a, 'a green pear']] as const) {
          await writers.persist(pid, event);
        }
        const green = tags.of('green');
        const all = await currentByTag(context, readJournal, green);
        expect(all.length, 'the green events').toBe(4);
        const texts = all.map((e) => String(e.offset));
        expect(new Set(texts).size, `every event has its own offset text: ${texts.join(', ')}`).toBe(texts.length);
        const other = await context.readJournal({ pageSize: 2 });
        for (const [i, envelope] of all.entries()) {
          const text = texts[i]!;
          expect(text, 'the text names the kind of store').toMatch(new RegExp(`^${readJournal.offsetKind}:\\S+$`));
          expect(JSON.stringify({ offset: envelope.offset }), 'JSON holds the text').toBe(JSON.stringify({ offset: text }));
          const parsed = Offset.parse(text);
          expect(String(parsed), `Offset.parse(${text}) prints the same text`).toBe(text);
          expect(parsed.equals(envelope.offset), `Offset.parse(${text}) equals the offset`).toBe(true);
          expect(String(readJournal.parseOffset(text)), `parseOffset(${text})`).toBe(text);
          const expected = seen(all.slice(i + 1));
          expect(seen(await currentByTag(context, readJournal, green, parsed)), `resuming from Offset.parse(${text})`).toEqual(expected);
          expect(seen(await currentByTag(context, other, green, other.parseOffset(text))), `resuming from ${text} in another read journal`).toEqual(expected);
          const global = await drain(`currentAllEvents(${text})`, (signal) => other.currentAllEvents(other.parseOffset(text), { signal }), context.deadlineMs, {
            keep: ofIds(a, b),
            describe: describeEnvelopes,
          });
          expect(
            seen(global).filter(([, , event]) => String(event).includes('green')),
            `currentAllEvents from ${text}: the green events after it`,
          ).toEqual(expected);
        }
        expect(String(Offset.start), 'Offset.start prints as start').toBe('start');
        expect(Offset.parse('start').isStart, 'Offset.parse("start") is the start').toBe(true);
        expect(seen(await currentByTag(context, readJournal, green, readJournal.parseOffset('start'))), 'from parseOffset("start")').toEqual(seen(all));
      },
    },
    {
      name: 'a foreign or malformed offset is refused with InvalidOffset naming it',
      run: async (context) => {
        const readJournal = await context.readJournal();
        const tag = context.tags().of('green');
        const kind = readJournal.offsetKind;
        const foreign = `${foreignKind(readJournal)}:1`;
        await expectInvalidOffset(context, () => readJournal.parseOffset(foreign), foreign, `parseOffset(${foreign})`);
        for (const text of ['12', '', `${kind}:`, `${kind}:1 2`, 'Start']) {
          await expectInvalidOffset(context, () => Offset.parse(text), text, `Offset.parse(${JSON.stringify(text)})`);
        }
        const garbage = `${kind}:~not-a-position~`;
        await expectInvalidOffset(context, () => readJournal.parseOffset(garbage), garbage, `parseOffset(${garbage})`);
        const queries = [
          ['currentEventsByTag', (offset: Offset) => readJournal.currentEventsByTag(tag, offset)],
          ['eventsByTag', (offset: Offset) => readJournal.eventsByTag(tag, offset)],
          ['currentAllEvents', (offset: Offset) => readJournal.currentAllEvents(offset)],
          ['allEvents', (offset: Offset) => readJournal.allEvents(offset)],
        ] as const;
        for (const [name, query] of queries) {
          await expectInvalidOffset(context, () => query(Offset.parse(foreign)), foreign, `${name} from ${foreign}`);
          await expectInvalidOffset(context, () => query(Offset.parse(garbage)), garbage, `${name} from ${garbage}`);
        }
      },
    },
  ],
};
