import type { SnapshotStore } from '@engram/core/spi';
import type { SnapshotStoreCapabilities, SnapshotStoreTckOptions } from '../SnapshotStoreTckOptions.js';
import { runStoreCase, type StoreCaseBase } from '../support/runStoreCase.js';
import type { TckCase, TckGroup } from '../support/TckCase.js';
import type { UniqueIds } from '../support/UniqueIds.js';

/** What a snapshot-store case works with. */
export interface SnapshotCaseContext extends StoreCaseBase<SnapshotStore, SnapshotStoreCapabilities> {
  /** The instance all cases of the suite share. */
  readonly store: SnapshotStore;
}

export type SnapshotCase = TckCase<SnapshotCaseContext, SnapshotStoreCapabilities>;
export type SnapshotGroup = TckGroup<SnapshotCaseContext, SnapshotStoreCapabilities>;

/** Runs one case against `store`, closing every instance the case opened, also when it fails. */
export function runSnapshotCase<S extends SnapshotStore>(
  testCase: SnapshotCase,
  options: SnapshotStoreTckOptions<S>,
  store: S,
  ids: UniqueIds,
  skip: (reason: string) => never,
): Promise<void> {
  // Cases pass back to reopen() only instances they got from open(), which are Ss.
  return runStoreCase<S, SnapshotStoreCapabilities, SnapshotCaseContext>(
    testCase.run,
    options,
    (base) => ({ ...(base as unknown as StoreCaseBase<SnapshotStore, SnapshotStoreCapabilities>), store }),
    ids,
    skip,
  );
}
