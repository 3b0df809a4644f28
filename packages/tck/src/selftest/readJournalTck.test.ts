import { beforeAll, describe, expect, it } from 'vitest';
import { readJournalGroups } from '../readJournal/readJournalCases.js';
import { runReadJournalCase, type ReadJournalRunSettings } from '../readJournal/ReadJournalCase.js';
import { registerReadJournalTck } from '../readJournalTck.js';
import { UniqueIds } from '../support/UniqueIds.js';
import { flatten, mutationMatrix, skipOutsideVitest, type Outcome } from './mutationMatrix.test-support.js';
import { correctGapStore, correctMemory, readJournalMutants, type ReadJournalMutant } from './readJournalMutants.test-support.js';

// Broken stores fail by a wait running out: a short deadline keeps the matrix quick.
const settings: ReadJournalRunSettings = { deadlineMs: 2_000 };
/** Mutants whose cases run at once: each has its own storage. */
const PARALLEL = 6;

// A correct store with a torture writer and shared storage passes every case.
registerReadJournalTck(correctGapStore.options(), settings);

async function runAll(mutants: readonly ReadJournalMutant[]): Promise<Map<string, Map<string, Outcome>>> {
  const cases = flatten(readJournalGroups);
  const matrix = new Map<string, Map<string, Outcome>>();
  const queue = [...mutants];
  const worker = async () => {
    for (let mutant = queue.shift(); mutant !== undefined; mutant = queue.shift()) {
      const rows = await mutationMatrix(cases, [mutant], async (testCase, m) => {
        const options = m.options();
        const journal = await options.create();
        try {
          await runReadJournalCase(testCase, options, journal, new UniqueIds(), skipOutsideVitest, settings);
        } finally {
          await journal.close?.();
        }
      });
      for (const [name, row] of rows) matrix.set(name, row);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return matrix;
}

describe('read-journal TCK: every case fails against some broken read journal', () => {
  const cases = flatten(readJournalGroups);
  const correct = [correctMemory, correctGapStore];
  let matrix = new Map<string, Map<string, Outcome>>();

  beforeAll(async () => {
    matrix = await runAll([...correct, ...readJournalMutants]);
  }, 600_000);

  for (const store of correct) {
    it(`the matrix runner passes every case against the ${store.name} store`, () => {
      const failed = [...matrix.get(store.name)!].filter(([, o]) => o.kind !== 'passed');
      expect(failed).toEqual([]);
    });
  }

  for (const testCase of cases) {
    it(`fails when broken: ${testCase.name}`, () => {
      const killers = readJournalMutants.filter((m) => matrix.get(m.name)?.get(testCase.name)?.kind === 'failed');
      expect(killers.map((m) => m.name), 'broken read journals this case catches').not.toEqual([]);
    });
  }

  for (const mutant of readJournalMutants) {
    it(`catches: ${mutant.name}`, () => {
      const failures = [...matrix.get(mutant.name)!].filter(([, o]) => o.kind === 'failed');
      expect(failures.length, `no case fails against "${mutant.name}"`).toBeGreaterThan(0);
    });
  }
});
