import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Journal } from '@engram/core/spi';
import { readJournalGroups } from './readJournal/readJournalCases.js';
import { capabilitiesOf, defaultRunSettings, runReadJournalCase, type ReadJournalRunSettings } from './readJournal/ReadJournalCase.js';
import type { ReadJournalTckOptions } from './ReadJournalTckOptions.js';
import { UniqueIds } from './support/UniqueIds.js';

/**
 * Registers the read-journal (persistence query) conformance suite with vitest: call it at the top
 * level of a test file. Events are written through an actor system on a journal from `create`
 * and read through the read journal `readJournal` builds over its storage.
 */
export function readJournalTck<J extends Journal>(options: ReadJournalTckOptions<J>): void {
  registerReadJournalTck(options, defaultRunSettings);
}

/** @internal With other run settings: the TCK's own tests use a shorter deadline. */
export function registerReadJournalTck<J extends Journal>(options: ReadJournalTckOptions<J>, settings: ReadJournalRunSettings): void {
  checkReadJournalOptions(options);
  // Past every deadline a case waits on, so a stuck case fails with what it waited for.
  const timeoutMs = settings.deadlineMs * 6;
  describe(`${options.name} (read journal TCK)`, () => {
    const ids = new UniqueIds();
    let shared: J | undefined;
    beforeAll(async () => {
      shared = await options.create();
    });
    afterAll(async () => {
      await shared?.close?.();
    });
    for (const group of readJournalGroups) {
      describe(group.name, () => {
        for (const testCase of group.cases) {
          const supported = testCase.requires?.(capabilitiesOf(options)) ?? true;
          (supported ? it : it.skip)(
            testCase.name,
            async (test) => {
              if (shared === undefined) throw new Error(`${options.name}: create() did not produce a journal`);
              await runReadJournalCase(testCase, options, shared, ids, (reason) => test.skip(reason), settings);
            },
            timeoutMs,
          );
        }
      });
    }
  });
}

function checkReadJournalOptions<J extends Journal>(options: ReadJournalTckOptions<J>): void {
  if (typeof options.name !== 'string' || options.name.length === 0) throw new TypeError('readJournalTck: name must be a non-empty string');
  for (const key of ['create', 'readJournal'] as const) {
    if (typeof options[key] !== 'function') throw new TypeError(`${options.name}: ${key} must be a function, got ${typeof options[key]}`);
  }
  if (options.tortureWriter !== undefined && typeof options.tortureWriter !== 'function') {
    throw new TypeError(`${options.name}: tortureWriter must be a function when given, got ${typeof options.tortureWriter}`);
  }
}
