import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Journal } from '@engram/core/spi';
import type { JournalTckOptions } from './JournalTckOptions.js';
import { journalGroups } from './journal/journalCases.js';
import { runJournalCase } from './journal/JournalCase.js';
import { UniqueIds } from './support/UniqueIds.js';

/**
 * Registers the journal conformance suite with vitest: call it at the top level of a test file.
 * Cases whose capability the store lacks are reported as skipped, never silently dropped.
 */
export function journalTck<J extends Journal>(options: JournalTckOptions<J>): void {
  checkJournalOptions(options);
  describe(`${options.name} (journal TCK)`, () => {
    const ids = new UniqueIds();
    let shared: J | undefined;
    beforeAll(async () => {
      shared = await options.create();
    });
    afterAll(async () => {
      await shared?.close?.();
    });
    for (const group of journalGroups) {
      describe(group.name, () => {
        for (const testCase of group.cases) {
          const supported = testCase.requires?.(options.capabilities) ?? true;
          (supported ? it : it.skip)(testCase.name, async (test) => {
            if (shared === undefined) throw new Error(`${options.name}: create() did not produce a journal`);
            await runJournalCase(testCase, options, shared, ids, (reason) => test.skip(reason));
          });
        }
      });
    }
  });
}

export function checkJournalOptions<J extends Journal>(options: JournalTckOptions<J>): void {
  const { maxPayloadBytes, durable } = options.capabilities;
  if (!Number.isSafeInteger(maxPayloadBytes) || maxPayloadBytes < 1) {
    throw new TypeError(`${options.name}: capabilities.maxPayloadBytes must be a positive integer, got ${maxPayloadBytes}`);
  }
  if (durable && options.reopen === undefined) {
    throw new TypeError(`${options.name}: capabilities.durable needs a reopen(old) option`);
  }
}
