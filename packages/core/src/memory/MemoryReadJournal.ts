import { ReadJournal, type ReadJournalOptions } from '../query/ReadJournal.js';
import type { MemoryJournal } from './MemoryJournal.js';

/**
 * Persistence query over a MemoryJournal of this process (tests, first steps). In an actor system,
 * `PersistenceQuery.get(system).readJournal()` gives the same over the system's journal.
 */
export class MemoryReadJournal<E = unknown> extends ReadJournal<E> {
  constructor(journal: MemoryJournal, options: ReadJournalOptions<E> = {}) {
    super(journal.reader, options, false);
  }
}
