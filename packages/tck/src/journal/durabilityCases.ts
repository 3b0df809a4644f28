import { expect } from 'vitest';
import type { PersistentRepr } from '@engram/core/spi';
import { expectErrorNamed } from '../support/assertions.js';
import { EVERY_KIND_OF_UNICODE, allByteValues, asciiText, largeText } from '../support/payloads.js';
import type { JournalGroup } from './JournalCase.js';
import {
  WRITER_B,
  atomic,
  event,
  expectHighest,
  expectReplay,
  expectSameEvent,
  range,
  replay,
  seqNrs,
  writeOk,
} from './fixtures.js';
import { awkwardIds } from '../support/ids.js';

const durable = { requires: (capabilities: { readonly durable: boolean }) => capabilities.durable };

export const durabilityCases: JournalGroup = {
  name: 'durability (reopen)',
  cases: [
    {
      name: 'events survive reopen with every field: payload kind, manifest, metadata, tags, timestamp, writer',
      ...durable,
      run: async (context) => {
        const first = await context.open();
        const pid = context.pid();
        const metadata = context.capabilities.metadata;
        const written: PersistentRepr[] = [
          event(pid, 1, { payload: largeText(context.capabilities.maxPayloadBytes), tags: ['b', 'a'] }),
          event(pid, 2, { payload: allByteValues(), manifest: 'Bytes@v3', serializerId: 9 }),
          event(pid, 3, { payload: EVERY_KIND_OF_UNICODE, writerUuid: WRITER_B, timestamp: 1_600_000_000_123 }),
          event(pid, 4, { metadata: { serializerId: 2, manifest: 'M', payload: Uint8Array.of(9, 0, 9) } }),
        ];
        await writeOk(first, { persistenceId: pid, events: written.slice(0, 2) });
        await writeOk(first, { persistenceId: pid, events: written.slice(2) });
        const reopened = await context.reopen(first);
        const replayed = await replay(reopened, pid);
        expect(seqNrs(replayed)).toEqual([1, 2, 3, 4]);
        written.forEach((e, i) => expectSameEvent(replayed[i], e, { metadata }));
        await expectHighest(reopened, pid, 4);
      },
    },
    {
      name: 'the highest sequence nr survives reopen after partial and full deletes',
      ...durable,
      run: async (context) => {
        const first = await context.open();
        const partly = context.pid('partly');
        const fully = context.pid('fully');
        await writeOk(first, atomic(partly, range(1, 5)), atomic(fully, range(1, 5)));
        await first.deleteMessagesTo(partly, 3);
        await first.deleteMessagesTo(fully, Infinity);
        const reopened = await context.reopen(first);
        await expectReplay(reopened, partly, [4, 5]);
        await expectHighest(reopened, partly, 5);
        await expectReplay(reopened, fully, []);
        await expectHighest(reopened, fully, 5);
        await writeOk(reopened, atomic(fully, [6]));
        await expectReplay(reopened, fully, [6]);
      },
    },
    {
      name: 'awkward and 500-character ids survive reopen, each with only its own events',
      ...durable,
      run: async (context) => {
        const first = await context.open();
        const prefix = context.prefix();
        const ids = [...awkwardIds(prefix), `${prefix}a_1`, prefix + 'z'.repeat(500 - prefix.length)];
        for (const [i, pid] of ids.entries()) await writeOk(first, atomic(pid, range(1, i + 1)));
        const reopened = await context.reopen(first);
        for (const [i, pid] of ids.entries()) {
          const replayed = await replay(reopened, pid);
          expect(seqNrs(replayed), `replay of ${JSON.stringify(pid)}`).toEqual(range(1, i + 1));
          for (const e of replayed) expect(e.persistenceId).toBe(pid);
        }
        await expectHighest(reopened, `${prefix}a%1`, 0);
      },
    },
    {
      name: 'a 10,000-event stream and one call for 100 ids survive reopen, complete and in order',
      ...durable,
      run: async (context) => {
        const first = await context.open();
        const long = context.pid('long');
        for (let from = 1; from <= 10_000; from += 500) {
          await writeOk(first, atomic(long, range(from, from + 499)));
        }
        const prefix = context.prefix();
        const many = range(1, 100).map((i) => atomic(`${prefix}${i}`, range(1, 2), { payload: `of ${i}` }));
        await writeOk(first, ...many);
        const reopened = await context.reopen(first);
        const replayed = seqNrs(await replay(reopened, long));
        expect(replayed.length).toBe(10_000);
        expect(replayed.findIndex((seq, i) => seq !== i + 1), 'index of the first event out of place').toBe(-1);
        for (const write of many) {
          const events = await replay(reopened, write.persistenceId);
          expect(seqNrs(events), `replay of ${write.persistenceId}`).toEqual([1, 2]);
          expect(events[0]?.payload).toBe(write.events[0]?.payload);
        }
      },
    },
    {
      name: 'rejected and conflicting writes leave nothing behind after reopen',
      ...durable,
      run: async (context) => {
        const first = await context.open();
        const pid = context.pid();
        await writeOk(first, atomic(pid, [1, 2]));
        const tooLarge = asciiText(context.capabilities.maxPayloadBytes + 1);
        const results = await first.writeMessages([
          { persistenceId: pid, events: [event(pid, 3), event(pid, 4, { payload: tooLarge })] },
          atomic(pid, [2, 3], { writerUuid: WRITER_B }),
        ]);
        expectErrorNamed(results[0], 'PayloadTooLarge', 'the atomic write with seq 4 too large');
        expectErrorNamed(results[1], 'SequenceConflict', 'the second writer of seq 2');
        const reopened = await context.reopen(first);
        const replayed = await replay(reopened, pid);
        expect(seqNrs(replayed)).toEqual([1, 2]);
        expect(replayed.map((e) => e.writerUuid)).not.toContain(WRITER_B);
        await expectHighest(reopened, pid, 2);
      },
    },
  ],
};
