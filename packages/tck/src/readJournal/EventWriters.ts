import { ActorSystem, Effect, ask, eventSourced, type ActorRef } from '@engram/core';
import type { Journal } from '@engram/core/spi';
import type { CaseTags } from './CaseTags.js';

interface PersistCommand {
  readonly events: readonly string[];
  readonly replyTo: ActorRef<'stored'>;
}

/**
 * Writes through the engine, as users do: an actor system on the journal with one event-sourced
 * writer actor per persistenceId that persists strings, tagged with the tag words they contain.
 */
export class EventWriters {
  readonly #refs = new Map<string, ActorRef<PersistCommand>>();

  private constructor(
    private readonly system: ActorSystem,
    readonly tags: CaseTags,
    private readonly timeoutMs: number,
  ) {}

  /** An actor system on `journal`; terminating it leaves `journal` open (the TCK closes it). */
  static start(journal: Journal, tags: CaseTags, timeoutMs: number): EventWriters {
    const system = ActorSystem.create('tck-read-journal', { persistence: { journal: keptOpen(journal) }, logLevel: 'error' });
    return new EventWriters(system, tags, timeoutMs);
  }

  /** Persists `events` for `persistenceId` in one atomic write; resolves once they are stored. */
  async persist(persistenceId: string, ...events: readonly string[]): Promise<void> {
    await ask<PersistCommand, 'stored'>(this.#writer(persistenceId), (replyTo) => ({ events, replyTo }), { timeoutMs: this.timeoutMs });
  }

  /** Persists `count` events "<label> <n>" (n from 1) in atomic writes of up to `batch` events. */
  async persistMany(persistenceId: string, count: number, label: (n: number) => string, batch = 500): Promise<void> {
    for (let first = 1; first <= count; first += batch) {
      const events: string[] = [];
      for (let n = first; n < first + batch && n <= count; n++) events.push(label(n));
      await this.persist(persistenceId, ...events);
    }
  }

  terminate(): Promise<void> {
    return this.system.terminate();
  }

  #writer(persistenceId: string): ActorRef<PersistCommand> {
    let ref = this.#refs.get(persistenceId);
    if (ref === undefined) {
      ref = this.system.spawn(writer(persistenceId, this.tags), `writer-${this.#refs.size + 1}`);
      this.#refs.set(persistenceId, ref);
    }
    return ref;
  }
}

function writer(persistenceId: string, tags: CaseTags) {
  return eventSourced<PersistCommand, string, null>({
    persistenceId,
    emptyState: null,
    commandHandler: (_state, command) => Effect.persist(command.events).thenReply(command.replyTo, () => 'stored' as const),
    eventHandler: (state) => state,
    tagger: (event) => tags.tagsOf(event),
  });
}

/** `journal` without `close`: the actor system closes its journal when it terminates, the TCK closes this one. */
function keptOpen(journal: Journal): Journal {
  return {
    writeMessages: (writes) => journal.writeMessages(writes),
    replayMessages: (pid, from, to, max, onEvent) => journal.replayMessages(pid, from, to, max, onEvent),
    readHighestSequenceNr: (pid, from) => journal.readHighestSequenceNr(pid, from),
    deleteMessagesTo: (pid, to) => journal.deleteMessagesTo(pid, to),
    ...(journal.writeConcurrency === undefined ? {} : { writeConcurrency: journal.writeConcurrency }),
  };
}
