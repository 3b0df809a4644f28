import type { ActorSystem, ExtensionId } from '../actor/ActorSystem.js';
import type { EventAdapter } from '../serialization/EventAdapter.js';
import { Persistence } from '../persistence/Persistence.js';
import { QueryUnavailable } from './errors.js';
import { ReadJournal } from './ReadJournal.js';

export interface SystemReadJournalOptions<E = unknown> {
  /** Turns stored events into today's events, as the writing actors' adapter does. Default: identity. */
  readonly eventAdapter?: EventAdapter<E, unknown>;
  /** Events read per store request. Default 1,000. */
  readonly pageSize?: number;
  /** How often idle live queries check the store for writes of other processes. Default: the store's. */
  readonly pollIntervalMs?: number;
}

const extensionId: ExtensionId<PersistenceQuery> = {
  name: 'persistence-query',
  create: (system) => new PersistenceQuery(system),
};

/**
 * Persistence query in an actor system: `PersistenceQuery.get(system).readJournal()` reads the
 * system's journal with its serializers and clock. Live queries wake as soon as an actor of the
 * system persists, and end when the system terminates.
 */
export class PersistenceQuery {
  private readonly journals = new Set<ReadJournal<unknown>>();
  /** One read journal per event adapter and settings: actors that ask on every start share it. */
  private readonly byAdapter = new WeakMap<object, Map<string, ReadJournal<unknown>>>();
  private readonly withoutAdapter = new Map<string, ReadJournal<unknown>>();

  static get(system: ActorSystem): PersistenceQuery {
    return system.extension(extensionId);
  }

  constructor(private readonly system: ActorSystem) {
    const persistence = Persistence.get(system);
    persistence.onEventsStored(() => {
      for (const journal of this.journals) journal.notifyWritten();
    });
    system.registerOnTermination('persistence-query', async () => {
      await Promise.all([...this.journals].map((journal) => journal.close()));
      this.journals.clear();
    });
  }

  /**
   * The read journal of the configured journal: the same instance for the same event adapter and
   * settings, so calling it on every actor start costs nothing.
   */
  readJournal<E = unknown>(options?: SystemReadJournalOptions<E>): ReadJournal<E> {
    const settings = `${options?.pageSize ?? ''}|${options?.pollIntervalMs ?? ''}`;
    const adapter = options?.eventAdapter;
    let cache = adapter === undefined ? this.withoutAdapter : this.byAdapter.get(adapter);
    if (cache === undefined) {
      cache = new Map();
      this.byAdapter.set(adapter!, cache);
    }
    const cached = cache.get(settings);
    if (cached !== undefined) return cached as ReadJournal<E>;
    const persistence = Persistence.get(this.system);
    const reader = persistence.journal.reader;
    if (reader === undefined) {
      throw new QueryUnavailable(`the configured journal (${persistence.journal.constructor.name}) has no query side (Journal.reader)`);
    }
    const journal = new ReadJournal<E>(
      reader,
      {
        serialization: persistence.serialization,
        scheduler: this.system.scheduler,
        onPollError: (error) => this.system.log.warn({ err: error }, 'read journal: checking the journal for new events failed; retrying'),
        ...(options?.eventAdapter === undefined ? {} : { eventAdapter: options.eventAdapter }),
        ...(options?.pageSize === undefined ? {} : { pageSize: options.pageSize }),
        ...(options?.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
      },
      false,
    );
    this.journals.add(journal as ReadJournal<unknown>);
    cache.set(settings, journal as ReadJournal<unknown>);
    return journal;
  }
}
