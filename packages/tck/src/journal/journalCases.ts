import { akkaJournalCases } from './akkaCases.js';
import { conflictCases } from './conflictCases.js';
import { deleteCases } from './deleteCases.js';
import { durabilityCases } from './durabilityCases.js';
import type { JournalGroup } from './JournalCase.js';
import { lifecycleCases } from './lifecycleCases.js';
import { payloadCases } from './payloadCases.js';
import { persistenceIdCases } from './persistenceIdCases.js';
import { recoveryCases } from './recoveryCases.js';
import { volumeCases } from './volumeCases.js';

/** Every journal case, in the order the TCK runs them. */
export const journalGroups: readonly JournalGroup[] = [
  akkaJournalCases,
  persistenceIdCases,
  payloadCases,
  conflictCases,
  deleteCases,
  lifecycleCases,
  volumeCases,
  durabilityCases,
  recoveryCases,
];
