import type { Context } from 'hono';
import type { HistoryRequest } from '../accounts/index.js';
import { parseCursor, type AuditQuery } from '../audit/index.js';
import { accountIdProblem } from '../domain/index.js';
import { ApiError } from './errors.js';

/** Page sizes of the listing routes: `?limit=` from 1 to 500, 50 when absent. */
export const defaultLimit = 50;
export const maxLimit = 500;
const maxQueryLength = 200;
const maxWords = 20;
const maxPersistenceIdLength = 255;

/** A query parameter with a value the route cannot use: 400, naming the parameter. */
function invalidParameter(name: string, problem: string): ApiError {
  return new ApiError(400, 'invalid_parameter', `${name} ${problem}`, { field: name });
}

/**
 * The query parameters of the request, each given at most once and each one the route knows, so
 * that a typo (`?limt=10`) is refused instead of silently ignored.
 */
function parameters(c: Context, allowed: readonly string[]): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (!allowed.includes(name)) {
      throw new ApiError(400, 'unknown_parameter', `unknown query parameter ${JSON.stringify(name)}; expected ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, {
        field: name,
      });
    }
    if (values.length > 1) throw invalidParameter(name, `must be given once, got ${values.length} values`);
    found.set(name, values[0] ?? '');
  }
  return found;
}

function limitOf(params: ReadonlyMap<string, string>): number {
  const text = params.get('limit');
  if (text === undefined) return defaultLimit;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= maxLimit)) throw invalidParameter('limit', `must be an integer from 1 to ${maxLimit}, got ${JSON.stringify(text)}`);
  return value;
}

export interface AccountListRequest {
  readonly after: string | undefined;
  readonly limit: number;
}

/** `GET /accounts?limit=&after=<id>`. */
export function parseAccountList(c: Context): AccountListRequest {
  const params = parameters(c, ['limit', 'after']);
  const after = params.get('after');
  if (after !== undefined) {
    const problem = accountIdProblem(after);
    if (problem !== undefined) throw invalidParameter('after', `must be an account id (the "next" of the previous page): it ${problem}`);
  }
  return { after, limit: limitOf(params) };
}

/** `GET /accounts/:id/history?order=newest|oldest&after=<sequenceNr>&limit=`. */
export function parseHistory(c: Context): HistoryRequest {
  const params = parameters(c, ['order', 'after', 'limit']);
  const order = params.get('order') ?? 'newest';
  if (order !== 'newest' && order !== 'oldest') throw invalidParameter('order', `must be "newest" or "oldest", got ${JSON.stringify(order)}`);
  const text = params.get('after');
  let after: number | undefined;
  if (text !== undefined) {
    after = /^[1-9]\d{0,14}$/.test(text) ? Number(text) : undefined;
    if (after === undefined) {
      throw invalidParameter('after', `must be a sequence nr (a positive integer: the "next" of the previous page), got ${JSON.stringify(text)}`);
    }
  }
  return { order, after, limit: limitOf(params) };
}

/** `GET /audit?q=&pid=&from=&to=&order=&after=&limit=`. */
export function parseAuditSearch(c: Context): AuditQuery {
  const params = parameters(c, ['q', 'pid', 'from', 'to', 'order', 'after', 'limit']);
  const query: { -readonly [K in keyof AuditQuery]: AuditQuery[K] } = { words: [], order: 'newest', limit: limitOf(params) };
  const q = params.get('q');
  if (q !== undefined) query.words = wordsOf(q);
  const pid = params.get('pid');
  if (pid !== undefined) {
    if (pid === '') throw invalidParameter('pid', 'must not be empty');
    if (pid.length > maxPersistenceIdLength) throw invalidParameter('pid', `must be at most ${maxPersistenceIdLength} characters, got ${pid.length}`);
    query.persistenceId = pid;
  }
  const from = params.get('from');
  if (from !== undefined) query.from = isoTime('from', from);
  const to = params.get('to');
  if (to !== undefined) query.to = isoTime('to', to);
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
    throw invalidParameter('to', `must be after from (${from}), got ${to}`);
  }
  const order = params.get('order');
  if (order !== undefined) {
    if (order !== 'newest' && order !== 'oldest') throw invalidParameter('order', `must be "newest" or "oldest", got ${JSON.stringify(order)}`);
    query.order = order;
  }
  const after = params.get('after');
  if (after !== undefined) {
    const cursor = parseCursor(after);
    if (cursor === undefined) throw invalidParameter('after', `must be the "next" of a previous page, got ${JSON.stringify(after)}`);
    query.after = cursor;
  }
  return query;
}

/**
 * The words of a search: runs of letters and digits, as both stores' tokenizers split text, so
 * punctuation in `q` never changes what is found (`acc-1` is the words `acc` and `1`).
 */
function wordsOf(q: string): readonly string[] {
  if (q.length > maxQueryLength) throw invalidParameter('q', `must be at most ${maxQueryLength} characters, got ${q.length}`);
  const words = (q.match(/[\p{L}\p{N}]+/gu) ?? []).map((word) => word.toLowerCase());
  if (words.length === 0) throw invalidParameter('q', `must contain at least one word (letters or digits), got ${JSON.stringify(q)}`);
  if (words.length > maxWords) throw invalidParameter('q', `must have at most ${maxWords} words, got ${words.length}`);
  return words;
}

const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * An ISO 8601 time in epoch ms: a date (`2026-12-01`, midnight UTC) or a date and time with `Z` or
 * an offset. A `+` of an offset that arrived unescaped in the query string (where it means a
 * space) is read as `+`.
 */
function isoTime(name: string, text: string): number {
  const fixed = text.replace(/ (\d{2}:\d{2})$/, '+$1');
  const match = isoPattern.exec(fixed);
  const problem = `must be an ISO 8601 time such as 2026-12-01T09:30:00Z or 2026-12-01, got ${JSON.stringify(text)}`;
  if (match === null) throw invalidParameter(name, problem);
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    (match[8] === undefined || match[8] === 'Z' || (Number(match[8].slice(1, 3)) <= 23 && Number(match[8].slice(4)) <= 59));
  if (!valid) throw invalidParameter(name, problem);
  return Date.parse(match[4] === undefined ? `${fixed}T00:00:00Z` : fixed);
}
