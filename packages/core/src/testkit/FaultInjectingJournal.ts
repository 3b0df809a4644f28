import { requireNumber } from '../errors/index.js';
import type { AtomicWrite, Journal, JournalReader, PersistentRepr } from '../spi/index.js';
import { FaultSchedule, ordinal, type FaultOptions } from './FaultSchedule.js';
import { InjectedFault } from './InjectedFault.js';

export type { FaultOptions } from './FaultSchedule.js';

export interface ReplayFaultOptions extends FaultOptions {
  /** Deliver this many events (fewer if the range holds fewer) before rejecting. Default 0. */
  readonly afterEvents?: number;
}

type JournalFault = 'failWrite' | 'rejectWrite' | 'failReplay' | 'failHighestSequenceNr' | 'failDelete';

/**
 * Wraps any journal and makes chosen operations fail, for tests of what an application does when
 * storage breaks: "the 3rd write fails and my actor restarts", "this event is rejected".
 * Without faults it passes every call through unchanged. Faults are counted from the moment they
 * are registered and fire once unless `times` says otherwise.
 *
 * ```ts
 * const journal = new FaultInjectingJournal(new MemoryJournal());
 * journal.failWrite({ nth: 3, persistenceId: 'Account|1' });
 * ```
 */
export class FaultInjectingJournal implements Journal {
  readonly #inner: Journal;
  /** Data of a fault: the events a failing replay delivers first (0 for the other faults). */
  readonly #faults = new FaultSchedule<JournalFault, number>();
  readonly #writes: AtomicWrite[] = [];

  constructor(inner: Journal) {
    this.#inner = inner;
  }

  /**
   * Every AtomicWrite passed on to the wrapped journal, in order, whatever it answered. Writes
   * failed or rejected by an injected fault never reach it and are not listed.
   */
  get writes(): readonly AtomicWrite[] {
    return this.#writes;
  }

  /**
   * The `writeMessages` call that contains the nth matching AtomicWrite from now rejects: a
   * storage failure, so the writing actors stop. Nothing of that call reaches the wrapped journal.
   */
  failWrite(options: FaultOptions = {}): this {
    this.#faults.add('failWrite', options, 0);
    return this;
  }

  /**
   * The nth matching AtomicWrite from now is rejected: its entry in the result is the error and
   * it is not stored, while the other writes of the call land. The actor is told and goes on.
   */
  rejectWrite(options: FaultOptions = {}): this {
    this.#faults.add('rejectWrite', options, 0);
    return this;
  }

  /**
   * The nth matching `replayMessages` from now rejects, after delivering `afterEvents` events:
   * recovery fails.
   */
  failReplay(options: ReplayFaultOptions = {}): this {
    const afterEvents = requireNumber('failReplay option afterEvents', options.afterEvents ?? 0, {
      min: 0,
      integer: true,
    });
    this.#faults.add('failReplay', options, afterEvents);
    return this;
  }

  /** The nth matching `readHighestSequenceNr` from now rejects: recovery fails. */
  failHighestSequenceNr(options: FaultOptions = {}): this {
    this.#faults.add('failHighestSequenceNr', options, 0);
    return this;
  }

  /** The nth matching `deleteMessagesTo` from now rejects, deleting nothing. */
  failDelete(options: FaultOptions = {}): this {
    this.#faults.add('failDelete', options, 0);
    return this;
  }

  /** Drops every fault not fired yet; from now on every call passes through. */
  clearFaults(): void {
    this.#faults.clear();
  }

  async writeMessages(writes: readonly AtomicWrite[]): Promise<readonly (Error | undefined)[]> {
    for (const write of writes) {
      const fault = this.#faults.next('failWrite', write.persistenceId);
      if (fault !== undefined) {
        throw (
          fault.error ??
          new InjectedFault(
            'failWrite',
            write.persistenceId,
            `writeMessages failed (a storage failure) at the ${ordinal(fault.ordinal)} matching AtomicWrite, ` +
              `${describeWrite(write)}; nothing of the call was stored`,
          )
        );
      }
    }
    const rejections = writes.map((write) => {
      const fault = this.#faults.next('rejectWrite', write.persistenceId);
      if (fault === undefined) return undefined;
      return (
        fault.error ??
        new InjectedFault(
          'rejectWrite',
          write.persistenceId,
          `the ${ordinal(fault.ordinal)} matching AtomicWrite, ${describeWrite(write)}, was rejected and not stored`,
        )
      );
    });
    const forwarded = writes.filter((_, i) => rejections[i] === undefined);
    if (forwarded.length === 0) return rejections;
    this.#writes.push(...forwarded);
    const stored = await this.#inner.writeMessages(forwarded);
    let next = 0;
    return rejections.map((rejection) => rejection ?? stored[next++]);
  }

  async replayMessages(
    persistenceId: string,
    fromSequenceNr: number,
    toSequenceNr: number,
    max: number,
    onEvent: (event: PersistentRepr) => void,
  ): Promise<void> {
    const fault = this.#faults.next('failReplay', persistenceId);
    if (fault === undefined) {
      return this.#inner.replayMessages(persistenceId, fromSequenceNr, toSequenceNr, max, onEvent);
    }
    let delivered = 0;
    if (fault.data > 0) {
      const deliver = (event: PersistentRepr) => {
        delivered += 1;
        onEvent(event);
      };
      await this.#inner.replayMessages(persistenceId, fromSequenceNr, toSequenceNr, Math.min(max, fault.data), deliver);
    }
    throw (
      fault.error ??
      new InjectedFault(
        'failReplay',
        persistenceId,
        `the ${ordinal(fault.ordinal)} matching replay (sequence nrs ${fromSequenceNr} to ${toSequenceNr}) ` +
          `failed after ${delivered} events`,
      )
    );
  }

  async readHighestSequenceNr(persistenceId: string, fromSequenceNr: number): Promise<number> {
    const fault = this.#faults.next('failHighestSequenceNr', persistenceId);
    if (fault !== undefined) {
      throw (
        fault.error ??
        new InjectedFault(
          'failHighestSequenceNr',
          persistenceId,
          `the ${ordinal(fault.ordinal)} matching readHighestSequenceNr failed`,
        )
      );
    }
    return this.#inner.readHighestSequenceNr(persistenceId, fromSequenceNr);
  }

  async deleteMessagesTo(persistenceId: string, toSequenceNr: number): Promise<void> {
    const fault = this.#faults.next('failDelete', persistenceId);
    if (fault !== undefined) {
      throw (
        fault.error ??
        new InjectedFault(
          'failDelete',
          persistenceId,
          `the ${ordinal(fault.ordinal)} matching deleteMessagesTo(${toSequenceNr}) failed; nothing was deleted`,
        )
      );
    }
    return this.#inner.deleteMessagesTo(persistenceId, toSequenceNr);
  }

  /** The wrapped journal's query side, unchanged: queries read what the faults let through. */
  get reader(): JournalReader | undefined {
    return this.#inner.reader;
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }
}

function describeWrite(write: AtomicWrite): string {
  const first = write.events[0]?.sequenceNr;
  const last = write.events.at(-1)?.sequenceNr;
  if (first === undefined) return 'with no events';
  return first === last ? `sequence nr ${first}` : `sequence nrs ${first}..${last}`;
}
