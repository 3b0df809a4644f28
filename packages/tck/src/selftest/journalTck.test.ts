import { beforeAll, describe, expect, it } from 'vitest';
import type { Journal } from '@engram/core/spi';
import { journalTck } from '../journalTck.js';
import type { JournalCapabilities, JournalTckOptions } from '../JournalTckOptions.js';
import { journalGroups } from '../journal/journalCases.js';
import { runJournalCase } from '../journal/JournalCase.js';
import { UniqueIds } from '../support/UniqueIds.js';
import { correctJournal, journalMutants, type JournalMutant } from './journalMutants.test-support.js';
import { flatten, mutationMatrix, skipOutsideVitest, type Outcome } from './mutationMatrix.test-support.js';

const capabilities: JournalCapabilities = {
  metadata: true,
  maxPayloadBytes: 2 * 1024 * 1024,
  durable: true,
  sharedStorage: true,
};

function optionsFor(mutant: JournalMutant): JournalTckOptions<Journal> {
  return { name: mutant.name, capabilities, ...mutant.setup(capabilities.maxPayloadBytes) };
}

// A correct store with every capability passes every case, including the durable and shared ones.
journalTck(optionsFor(correctJournal));

describe('journal TCK: every case fails against some broken journal', () => {
  const cases = flatten(journalGroups);
  let matrix = new Map<string, Map<string, Outcome>>();

  beforeAll(async () => {
    matrix = await mutationMatrix(cases, [correctJournal, ...journalMutants], async (testCase, mutant) => {
      const options = optionsFor(mutant);
      const journal = await options.create();
      try {
        await runJournalCase(testCase, options, journal, new UniqueIds(), skipOutsideVitest);
      } finally {
        await journal.close?.();
      }
    });
  });

  it('the matrix runner passes every case against the correct journal', () => {
    const failed = [...matrix.get(correctJournal.name)!].filter(([, o]) => o.kind !== 'passed');
    expect(failed).toEqual([]);
  });

  for (const testCase of cases) {
    it(`fails when broken: ${testCase.name}`, () => {
      const killers = journalMutants.filter((m) => matrix.get(m.name)?.get(testCase.name)?.kind === 'failed');
      expect(killers.map((m) => m.name), 'broken journals this case catches').not.toEqual([]);
    });
  }

  for (const mutant of journalMutants) {
    it(`catches: ${mutant.name}`, () => {
      const failures = [...matrix.get(mutant.name)!].filter(([, o]) => o.kind === 'failed');
      expect(failures.length, `no case fails against "${mutant.name}"`).toBeGreaterThan(0);
    });
  }
});
