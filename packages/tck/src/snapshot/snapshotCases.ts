import { akkaSnapshotCases } from './akkaCases.js';
import { snapshotCriteriaCases, snapshotLifecycleCases, snapshotPayloadAndIdCases } from './moreCases.js';
import type { SnapshotGroup } from './SnapshotCase.js';

/** Every snapshot-store case, in the order the TCK runs them. */
export const snapshotGroups: readonly SnapshotGroup[] = [
  akkaSnapshotCases,
  snapshotPayloadAndIdCases,
  snapshotCriteriaCases,
  snapshotLifecycleCases,
];
