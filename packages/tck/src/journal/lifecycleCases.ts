import { expect } from 'vitest';
import { rejectionOf } from '../support/assertions.js';
import type { JournalGroup } from './JournalCase.js';
import { atomic, expectReplay, writeFive, writeOk } from './fixtures.js';

export const lifecycleCases: JournalGroup = {
  name: 'replay callbacks and close',
  cases: [
    {
      name: 'an exception thrown from onEvent rejects the replay and ends it; the journal goes on working',
      run: async (context) => {
        const pid = await writeFive(context);
        const thrown = new Error('thrown by onEvent at seq 2');
        const delivered: number[] = [];
        const rejection = await rejectionOf(
          context.journal.replayMessages(pid, 1, Infinity, Infinity, (e) => {
            delivered.push(e.sequenceNr);
            if (e.sequenceNr === 2) throw thrown;
          }),
          'a replay whose onEvent throws',
        );
        const cause = (rejection as { cause?: unknown } | undefined)?.cause;
        expect(rejection === thrown || cause === thrown, 'rejects with the thrown error (or with it as cause)').toBe(true);
        expect(delivered, 'no event is delivered after the throw').toEqual([1, 2]);
        await expectReplay(context.journal, pid, [1, 2, 3, 4, 5]);
        await writeOk(context.journal, atomic(pid, [6]));
      },
    },
    {
      name: 'close() twice is harmless',
      run: async (context) => {
        const journal = await context.open();
        if (journal.close === undefined) return context.skip('the journal has no close()');
        await journal.close();
        await journal.close();
      },
    },
    {
      name: 'every call after close() rejects',
      run: async (context) => {
        const journal = await context.open();
        if (journal.close === undefined) return context.skip('the journal has no close()');
        const pid = context.pid();
        await writeOk(journal, atomic(pid, [1]));
        await journal.close();
        await rejectionOf(journal.writeMessages([atomic(pid, [2])]), 'writeMessages after close');
        await rejectionOf(journal.replayMessages(pid, 1, Infinity, Infinity, () => {}), 'replayMessages after close');
        await rejectionOf(journal.readHighestSequenceNr(pid, 0), 'readHighestSequenceNr after close');
        await rejectionOf(journal.deleteMessagesTo(pid, 1), 'deleteMessagesTo after close');
      },
    },
  ],
};
