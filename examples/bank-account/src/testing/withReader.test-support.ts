import type { Journal, JournalReader } from '@engram/core/spi';

/**
 * `journal` (a test kit wrapper such as FaultInjectingJournal, which has no query side) with the
 * query side of the store it wraps, so that the app's projections can read the events.
 */
export function withReader(journal: Journal, reader: JournalReader): Journal {
  return new Proxy(journal, {
    get(target, property) {
      if (property === 'reader') return reader;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
