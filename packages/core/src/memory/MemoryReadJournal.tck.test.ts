import { readJournalTck } from '@engram/tck';
import { MemoryJournal } from './MemoryJournal.js';
import { MemoryReadJournal } from './MemoryReadJournal.js';

// A MemoryJournal's data lives in its instance: the read journal reads the instance it is given,
// and two instances share nothing. Without a torture writer, the gap torture writes concurrently
// through plain writes.
readJournalTck({
  name: 'MemoryReadJournal',
  create: async () => new MemoryJournal(),
  readJournal: async (journal, settings) => new MemoryReadJournal(journal, settings),
});
