import { allEventsCases } from './allEventsCases.js';
import { backPressureCases } from './backPressureCases.js';
import { currentByPersistenceIdCases, liveByPersistenceIdCases } from './byPersistenceIdCases.js';
import { currentByTagCases, liveByTagCases } from './byTagCases.js';
import { concurrentWritersCases } from './concurrentWritersCases.js';
import { gapTortureCases } from './gapTortureCases.js';
import { offsetCases } from './offsetCases.js';
import { persistenceIdsCases } from './persistenceIdsCases.js';
import type { ReadJournalGroup } from './ReadJournalCase.js';

/** Every read-journal case, in the order the TCK runs them. */
export const readJournalGroups: readonly ReadJournalGroup[] = [
  currentByPersistenceIdCases,
  liveByPersistenceIdCases,
  currentByTagCases,
  liveByTagCases,
  offsetCases,
  allEventsCases,
  persistenceIdsCases,
  backPressureCases,
  concurrentWritersCases,
  gapTortureCases,
];
