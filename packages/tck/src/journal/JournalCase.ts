import type { Journal } from '@engram/core/spi';
import type { JournalCapabilities, JournalTckOptions } from '../JournalTckOptions.js';
import { runStoreCase, type StoreCaseBase } from '../support/runStoreCase.js';
import type { TckCase, TckGroup } from '../support/TckCase.js';
import type { UniqueIds } from '../support/UniqueIds.js';

/** What a journal case works with. */
export interface JournalCaseContext extends StoreCaseBase<Journal, JournalCapabilities> {
  /** The instance all cases of the suite share. */
  readonly journal: Journal;
}

export type JournalCase = TckCase<JournalCaseContext, JournalCapabilities>;
export type JournalGroup = TckGroup<JournalCaseContext, JournalCapabilities>;

/** Runs one case against `journal`, closing every instance the case opened, also when it fails. */
export function runJournalCase<J extends Journal>(
  testCase: JournalCase,
  options: JournalTckOptions<J>,
  journal: J,
  ids: UniqueIds,
  skip: (reason: string) => never,
): Promise<void> {
  // Cases pass back to reopen() only instances they got from open(), which are Js.
  return runStoreCase<J, JournalCapabilities, JournalCaseContext>(
    testCase.run,
    options,
    (base) => ({ ...(base as unknown as StoreCaseBase<Journal, JournalCapabilities>), journal }),
    ids,
    skip,
  );
}
