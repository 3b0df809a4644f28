import type { EventEnvelope } from '@engram/core';
import { accountIdOf } from '../domain/index.js';

/** One event of the audit trail, as `GET /audit` returns it. */
export interface AuditEntry {
  readonly persistenceId: string;
  readonly sequenceNr: number;
  /** The event's `type` field (`Deposited`, `AccountOpened`, ...), `unknown` when it has none. */
  readonly type: string;
  /** When the event was stored (the journal's timestamp), epoch milliseconds. */
  readonly at: number;
  /** The words the search looks at: a sentence about the event. */
  readonly description: string;
  /** The event itself, as stored. */
  readonly event: unknown;
}

/** Where a page of results ended: the next page starts after it, in the same order. */
export interface AuditCursor {
  readonly at: number;
  /** The row's id in the audit table: the order among events stored in the same millisecond. */
  readonly id: number;
}

export type AuditOrder = 'newest' | 'oldest';

export interface AuditQuery {
  /** Every word must occur in the description (whole words, case-insensitive). */
  readonly words: readonly string[];
  readonly persistenceId?: string;
  /** Inclusive, epoch milliseconds. */
  readonly from?: number;
  /** Exclusive, epoch milliseconds. */
  readonly to?: number;
  readonly order: AuditOrder;
  readonly after?: AuditCursor;
  readonly limit: number;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** The `after` of the next page when more may follow; undefined on the last page. */
  readonly next: string | undefined;
}

/** The read side of the audit trail, whichever store keeps it. */
export interface AuditQueries {
  search(query: AuditQuery): Promise<AuditPage>;
}

export function formatCursor(cursor: AuditCursor): string {
  return `${cursor.at}.${cursor.id}`;
}

/** The cursor of `text` (as `formatCursor` printed it), or undefined when it is not one. */
export function parseCursor(text: string): AuditCursor | undefined {
  const match = /^(\d{1,15})\.(\d{1,15})$/.exec(text);
  if (match === null) return undefined;
  return { at: Number(match[1]), id: Number(match[2]) };
}

/** The page of `rows` (with their table ids) when `limit + 1` were asked for. */
export function auditPage(rows: readonly (AuditEntry & { readonly id: number })[], limit: number): AuditPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((row) => ({ persistenceId: row.persistenceId, sequenceNr: row.sequenceNr, type: row.type, at: row.at, description: row.description, event: row.event })),
    next: rows.length > limit && last !== undefined ? formatCursor({ at: last.at, id: last.id }) : undefined,
  };
}

/** The audit row of `envelope`: its type, time and a sentence whose words the search finds. */
export function auditEntryOf(envelope: EventEnvelope<unknown>): AuditEntry {
  const event = envelope.event;
  const fields = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const type = typeof fields['type'] === 'string' ? fields['type'] : 'unknown';
  return {
    persistenceId: envelope.persistenceId,
    sequenceNr: envelope.sequenceNr,
    type,
    at: envelope.timestamp,
    description: describe(envelope.persistenceId, type, fields, event),
    event,
  };
}

function describe(persistenceId: string, type: string, fields: Record<string, unknown>, event: unknown): string {
  const account = accountIdOf(persistenceId);
  if (account !== undefined && (type === 'Deposited' || type === 'Withdrawn')) {
    const amount = String(fields['amount']);
    return type === 'Deposited'
      ? `Deposited: deposit of ${amount} cents into account ${account}`
      : `Withdrawn: withdrawal of ${amount} cents from account ${account}`;
  }
  if (account !== undefined && type === 'AccountOpened') {
    const owner = typeof fields['owner'] === 'string' ? `for ${fields['owner']}` : 'without an owner';
    return `AccountOpened: account ${account} opened ${owner}`;
  }
  // Events the app does not know yet are still found by the words of their fields.
  return `${type}: event ${persistenceId} ${JSON.stringify(event) ?? String(event)}`;
}
