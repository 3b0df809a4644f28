import type { Journal, ReadJournal } from '@engram/core/spi';
import type { ReadJournalSettings, ReadJournalTckOptions, TortureWriter } from '../ReadJournalTckOptions.js';
import type { TckCase, TckGroup } from '../support/TckCase.js';
import type { UniqueIds } from '../support/UniqueIds.js';
import { CaseTags } from './CaseTags.js';
import { within } from './DeadlineExceeded.js';
import { EventWriters } from './EventWriters.js';

/** What the store offers beyond the read journal itself. */
export interface ReadJournalCapabilities {
  readonly sharedStorage: boolean;
  readonly tortureWriter: boolean;
}

/** What a read-journal case works with. Everything it opens is closed when it ends. */
export interface ReadJournalCaseContext {
  readonly capabilities: ReadJournalCapabilities;
  /** The journal instance all cases of the suite share. */
  readonly journal: Journal;
  /** How long any one wait of a case may take (a query to get somewhere, a write, a close). */
  readonly deadlineMs: number;
  /** A persistenceId no other case uses, ending with `label`. */
  pid(label?: string): string;
  /** A prefix no other case uses. */
  prefix(): string;
  /** Tags no other case uses. */
  tags(): CaseTags;
  /** A read journal from the options' factory, over the shared journal's storage. */
  readJournal(settings?: ReadJournalSettings): Promise<ReadJournal>;
  /** An actor system with writer actors on `journal` (default: the shared one). */
  writers(tags: CaseTags, journal?: Journal): EventWriters;
  /** Another instance from `create`. */
  openJournal(): Promise<Journal>;
  /** A torture writer on `journal` (the shared one, or one from `openJournal`); only with the option. */
  tortureWriter(journal?: Journal): Promise<TortureWriter>;
  /** Ends the case as skipped. */
  skip(reason: string): never;
}

export type ReadJournalCase = TckCase<ReadJournalCaseContext, ReadJournalCapabilities>;
export type ReadJournalGroup = TckGroup<ReadJournalCaseContext, ReadJournalCapabilities>;

/** How the suite runs its cases; the TCK's own tests shorten the deadline. */
export interface ReadJournalRunSettings {
  readonly deadlineMs: number;
}

export const defaultRunSettings: ReadJournalRunSettings = { deadlineMs: 20_000 };

export function capabilitiesOf(options: Pick<ReadJournalTckOptions, 'sharedStorage'> & { readonly tortureWriter?: unknown }): ReadJournalCapabilities {
  return { sharedStorage: options.sharedStorage ?? false, tortureWriter: options.tortureWriter !== undefined };
}

/** Runs one case against `journal`, closing everything the case opened (newest first), also when it fails. */
export async function runReadJournalCase<J extends Journal>(
  testCase: ReadJournalCase,
  options: ReadJournalTckOptions<J>,
  journal: J,
  ids: UniqueIds,
  skip: (reason: string) => never,
  settings: ReadJournalRunSettings = defaultRunSettings,
): Promise<void> {
  const opened: { readonly what: string; readonly close: () => Promise<void> }[] = [];
  const track = <T>(what: string, value: T, close: (value: T) => Promise<void>): T => {
    opened.push({ what, close: () => close(value) });
    return value;
  };
  const context: ReadJournalCaseContext = {
    capabilities: capabilitiesOf(options),
    journal,
    deadlineMs: settings.deadlineMs,
    pid: (label) => ids.pid(label),
    prefix: () => ids.prefix(),
    tags: () => new CaseTags(ids.prefix()),
    readJournal: async (readSettings = {}) => track('a read journal', await options.readJournal(journal, readSettings), (rj) => rj.close()),
    writers: (tags, on = journal) => track('an actor system', EventWriters.start(on, tags, settings.deadlineMs), (w) => w.terminate()),
    openJournal: async () => track('a journal', await options.create(), async (j) => j.close?.()),
    tortureWriter: async (on = journal) => {
      if (options.tortureWriter === undefined) throw new Error(`${options.name}: the case needs the tortureWriter option`);
      // Cases pass only the shared journal or instances from openJournal(), which are Js.
      return track('a torture writer', await options.tortureWriter(on as J), (w) => w.close());
    },
    skip,
  };
  try {
    await testCase.run(context);
  } catch (error) {
    // The case's own failure says more than a close that fails after it.
    await closeAll(opened, settings.deadlineMs).catch(() => undefined);
    throw error;
  }
  await closeAll(opened, settings.deadlineMs);
}

async function closeAll(opened: { readonly what: string; readonly close: () => Promise<void> }[], deadlineMs: number): Promise<void> {
  const errors: unknown[] = [];
  for (const { what, close } of opened.reverse()) {
    try {
      await within(close(), deadlineMs, `closing ${what} a read-journal case opened`);
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'closing what a read-journal TCK case opened failed');
}
