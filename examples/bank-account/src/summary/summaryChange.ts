import type { EventEnvelope } from '@engram/core';
import { accountIdOf } from '../domain/index.js';
import { UnexpectedEvent } from './errors.js';

/** What one event changes in the account summary. */
export type SummaryChange =
  | { readonly type: 'opened'; readonly id: string; readonly owner: string | null; readonly sequenceNr: number; readonly at: number }
  | {
      readonly type: 'operation';
      readonly id: string;
      /**
       * The event's sequence nr in the account's journal: above every one applied before. Not one
       * more than the last: a write the store rejected leaves its numbers unused.
       */
      readonly sequenceNr: number;
      /** Cents added to the balance (negative for a withdrawal). */
      readonly delta: number;
      readonly at: number;
    };

/**
 * The change `envelope` makes to the summary, or undefined for events of other persistenceIds.
 * Everything comes from the account's own journal: its `AccountOpened` (event 1), then its
 * deposits and withdrawals.
 */
export function summaryChangeOf(envelope: EventEnvelope<unknown>): SummaryChange | undefined {
  const id = accountIdOf(envelope.persistenceId);
  if (id === undefined) return undefined;
  const event = envelope.event as Record<string, unknown> | null;
  const type = event?.['type'];
  if (type === 'AccountOpened') {
    const owner = event!['owner'];
    if (owner !== null && typeof owner !== 'string') throw UnexpectedEvent.of(envelope, 'AccountOpened with an owner that is not a string or null');
    return { type: 'opened', id, owner, sequenceNr: envelope.sequenceNr, at: timeOf(envelope, event!) };
  }
  if (type !== 'Deposited' && type !== 'Withdrawn') throw UnexpectedEvent.of(envelope, `an account has no event type ${describeType(event)}`);
  const amount = event!['amount'];
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw UnexpectedEvent.of(envelope, `${type} with an amount that is not a positive integer of cents`);
  }
  return {
    type: 'operation',
    id,
    sequenceNr: envelope.sequenceNr,
    delta: type === 'Deposited' ? amount : -amount,
    at: timeOf(envelope, event!),
  };
}

/** The time the command was accepted, as the event records it; the write time if it has none. */
function timeOf(envelope: EventEnvelope<unknown>, event: Record<string, unknown>): number {
  const at = event['at'];
  return typeof at === 'number' && Number.isFinite(at) ? at : envelope.timestamp;
}

function describeType(event: Record<string, unknown> | null): string {
  const type = event?.['type'];
  return typeof type === 'string' ? JSON.stringify(type) : '(no type field)';
}
