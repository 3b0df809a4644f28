import { expect } from 'vitest';
import type { PersistentRepr } from '@engram/core/spi';
import { expectErrorNamed } from '../support/assertions.js';
import {
  EVERY_KIND_OF_UNICODE,
  allByteValues,
  asciiText,
  largeText,
  multiByteTextOver,
} from '../support/payloads.js';
import type { JournalCaseContext, JournalGroup } from './JournalCase.js';
import { WRITER_A, WRITER_B, event, expectHighest, expectSameEvent, replay, seqNrs, writeOk } from './fixtures.js';

/** Writes each event as its own AtomicWrite in one call, then replays and compares every field. */
async function roundTrip(context: JournalCaseContext, events: readonly PersistentRepr[]): Promise<void> {
  const pid = events[0]!.persistenceId;
  await writeOk(context.journal, ...events.map((e) => ({ persistenceId: pid, events: [e] })));
  const replayed = await replay(context.journal, pid);
  expect(seqNrs(replayed)).toEqual(events.map((e) => e.sequenceNr));
  events.forEach((e, i) => expectSameEvent(replayed[i], e, { metadata: context.capabilities.metadata }));
}

/** Writes one single-event AtomicWrite whose payload is `payload` and expects PayloadTooLarge. */
async function expectTooLarge(context: JournalCaseContext, payload: string | Uint8Array): Promise<void> {
  const pid = context.pid();
  const results = await context.journal.writeMessages([{ persistenceId: pid, events: [event(pid, 1, { payload })] }]);
  expect(results).toHaveLength(1);
  expectErrorNamed(results[0], 'PayloadTooLarge', `a payload over ${context.capabilities.maxPayloadBytes} bytes`);
  await expectHighest(context.journal, pid, 0);
}

export const payloadCases: JournalGroup = {
  name: 'payloads and event fields',
  cases: [
    {
      name: 'a payload of exactly maxPayloadBytes is stored, text and binary',
      run: async (context) => {
        const max = context.capabilities.maxPayloadBytes;
        const pid = context.pid();
        await roundTrip(context, [
          event(pid, 1, { payload: asciiText(max) }),
          event(pid, 2, { payload: new Uint8Array(max).fill(7) }),
        ]);
      },
    },
    {
      name: 'a text payload one byte over maxPayloadBytes is rejected with PayloadTooLarge',
      run: async (context) => expectTooLarge(context, asciiText(context.capabilities.maxPayloadBytes + 1)),
    },
    {
      name: 'a binary payload one byte over maxPayloadBytes is rejected with PayloadTooLarge',
      run: async (context) => expectTooLarge(context, new Uint8Array(context.capabilities.maxPayloadBytes + 1)),
    },
    {
      name: 'the payload limit counts UTF-8 bytes, not characters',
      requires: (capabilities) => capabilities.maxPayloadBytes >= 2,
      run: async (context) => expectTooLarge(context, multiByteTextOver(context.capabilities.maxPayloadBytes)),
    },
    {
      name: 'a 1 MiB text payload (or maxPayloadBytes when lower) round-trips exactly',
      run: async (context) => {
        const pid = context.pid();
        await roundTrip(context, [event(pid, 1, { payload: largeText(context.capabilities.maxPayloadBytes) })]);
      },
    },
    {
      name: 'a binary payload with all 256 byte values round-trips as a Uint8Array',
      run: async (context) => {
        const pid = context.pid();
        const backing = new Uint8Array(1024).fill(0xee);
        backing.set(allByteValues(), 100);
        await roundTrip(context, [
          event(pid, 1, { payload: allByteValues() }),
          event(pid, 2, { payload: allByteValues().reverse() }),
          // A view into a larger buffer: only the viewed bytes are the payload.
          event(pid, 3, { payload: new Uint8Array(backing.buffer, 100, 256) }),
        ]);
      },
    },
    {
      name: 'text with astral characters, combining marks, NUL and other controls round-trips unchanged',
      run: async (context) => {
        const pid = context.pid();
        await roundTrip(context, [
          event(pid, 1, { payload: EVERY_KIND_OF_UNICODE }),
          event(pid, 2, { payload: '\u0000' }),
          event(pid, 3, { payload: 'e\u0301 vs \u00e9' }),
        ]);
      },
    },
    {
      name: 'text that looks like a number, JSON or null stays text',
      run: async (context) => {
        const pid = context.pid();
        const texts = ['12345', '{"a":1}', 'null', 'true', '[]', '  padded  ', '0x00'];
        await roundTrip(context, texts.map((payload, i) => event(pid, i + 1, { payload })));
      },
    },
    {
      name: 'tags keep their order and spelling',
      run: async (context) => {
        const pid = context.pid();
        await roundTrip(context, [
          event(pid, 1, { tags: ['zebra', 'apple', 'mango', 'Apple', 'straße', '账户', 'with space', "o'quote"] }),
          event(pid, 2, { tags: [] }),
          event(pid, 3, { tags: ['only'] }),
        ]);
      },
    },
    {
      name: 'timestamp and writerUuid round-trip exactly, to the millisecond',
      run: async (context) => {
        const pid = context.pid();
        await roundTrip(context, [
          event(pid, 1, { timestamp: 1, writerUuid: WRITER_A }),
          event(pid, 2, { timestamp: 1_712_345_678_901, writerUuid: WRITER_B }),
          event(pid, 3, { timestamp: Date.UTC(2199, 11, 31, 23, 59, 59, 999), writerUuid: 'not-a-uuid ✓' }),
        ]);
      },
    },
    {
      name: 'events carrying metadata are stored also by stores without metadata support',
      run: async (context) => {
        const pid = context.pid();
        await roundTrip(context, [
          event(pid, 1, { metadata: { serializerId: 3, manifest: 'Meta', payload: '{"by":"tck"}' } }),
          event(pid, 2, { metadata: { serializerId: 4, manifest: 'Meta', payload: Uint8Array.of(1, 2, 3) } }),
        ]);
      },
    },
  ],
};

