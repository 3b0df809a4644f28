import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotStore } from '@engram/core/spi';
import { snapshotStoreTck } from '../snapshotStoreTck.js';
import type { SnapshotStoreCapabilities, SnapshotStoreTckOptions } from '../SnapshotStoreTckOptions.js';
import { snapshotGroups } from '../snapshot/snapshotCases.js';
import { runSnapshotCase } from '../snapshot/SnapshotCase.js';
import { UniqueIds } from '../support/UniqueIds.js';
import { flatten, mutationMatrix, skipOutsideVitest, type Outcome } from './mutationMatrix.test-support.js';
import { correctSnapshotStore, snapshotMutants, type SnapshotStoreMutant } from './snapshotMutants.test-support.js';

const capabilities: SnapshotStoreCapabilities = { durable: true, sharedStorage: true };

function optionsFor(mutant: SnapshotStoreMutant): SnapshotStoreTckOptions<SnapshotStore> {
  return { name: mutant.name, capabilities, ...mutant.setup() };
}

// A correct store with every capability passes every case, including the durable and shared ones.
snapshotStoreTck(optionsFor(correctSnapshotStore));

describe('snapshot store TCK: every case fails against some broken store', () => {
  const cases = flatten(snapshotGroups);
  let matrix = new Map<string, Map<string, Outcome>>();

  beforeAll(async () => {
    matrix = await mutationMatrix(cases, [correctSnapshotStore, ...snapshotMutants], async (testCase, mutant) => {
      const options = optionsFor(mutant);
      const store = await options.create();
      try {
        await runSnapshotCase(testCase, options, store, new UniqueIds(), skipOutsideVitest);
      } finally {
        await store.close?.();
      }
    });
  });

  it('the matrix runner passes every case against the correct store', () => {
    const failed = [...matrix.get(correctSnapshotStore.name)!].filter(([, o]) => o.kind !== 'passed');
    expect(failed).toEqual([]);
  });

  for (const testCase of cases) {
    it(`fails when broken: ${testCase.name}`, () => {
      const killers = snapshotMutants.filter((m) => matrix.get(m.name)?.get(testCase.name)?.kind === 'failed');
      expect(killers.map((m) => m.name), 'broken stores this case catches').not.toEqual([]);
    });
  }

  for (const mutant of snapshotMutants) {
    it(`catches: ${mutant.name}`, () => {
      const failures = [...matrix.get(mutant.name)!].filter(([, o]) => o.kind === 'failed');
      expect(failures.length, `no case fails against "${mutant.name}"`).toBeGreaterThan(0);
    });
  }
});
