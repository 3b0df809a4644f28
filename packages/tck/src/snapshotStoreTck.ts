import { afterAll, beforeAll, describe, it } from 'vitest';
import type { SnapshotStore } from '@engram/core/spi';
import type { SnapshotStoreTckOptions } from './SnapshotStoreTckOptions.js';
import { snapshotGroups } from './snapshot/snapshotCases.js';
import { runSnapshotCase } from './snapshot/SnapshotCase.js';
import { UniqueIds } from './support/UniqueIds.js';

/**
 * Registers the snapshot-store conformance suite with vitest: call it at the top level of a test
 * file. Cases whose capability the store lacks are reported as skipped, never silently dropped.
 */
export function snapshotStoreTck<S extends SnapshotStore>(options: SnapshotStoreTckOptions<S>): void {
  checkSnapshotStoreOptions(options);
  describe(`${options.name} (snapshot store TCK)`, () => {
    const ids = new UniqueIds();
    let shared: S | undefined;
    beforeAll(async () => {
      shared = await options.create();
    });
    afterAll(async () => {
      await shared?.close?.();
    });
    for (const group of snapshotGroups) {
      describe(group.name, () => {
        for (const testCase of group.cases) {
          const supported = testCase.requires?.(options.capabilities) ?? true;
          (supported ? it : it.skip)(testCase.name, async (test) => {
            if (shared === undefined) throw new Error(`${options.name}: create() did not produce a snapshot store`);
            await runSnapshotCase(testCase, options, shared, ids, (reason) => test.skip(reason));
          });
        }
      });
    }
  });
}

export function checkSnapshotStoreOptions<S extends SnapshotStore>(options: SnapshotStoreTckOptions<S>): void {
  if (options.capabilities.durable && options.reopen === undefined) {
    throw new TypeError(`${options.name}: capabilities.durable needs a reopen(old) option`);
  }
}
