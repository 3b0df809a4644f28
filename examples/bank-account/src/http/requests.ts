import type { Context } from 'hono';
import { accountIdProblem, amountProblem, idempotencyKeyProblem } from '../domain/index.js';
import { ApiError } from './errors.js';

/** The most bytes a request body may have: every valid body here is well under 1 KiB. */
export const maxBodyBytes = 16 * 1024;

type JsonObject = Readonly<Record<string, unknown>>;

/** The request's JSON object body; refused when empty. */
export async function readJsonObject(c: Context): Promise<JsonObject> {
  const body = await readOptionalJsonObject(c);
  if (body === undefined) throw new ApiError(400, 'missing_body', 'the request needs a JSON body, e.g. {"amount": 1000}');
  return body;
}

/**
 * The request's JSON object body, or undefined when the body is empty. The Content-Type is not
 * checked, so that `curl -d '{...}'` works as typed.
 */
export async function readOptionalJsonObject(c: Context): Promise<JsonObject | undefined> {
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'malformed_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(422, 'invalid_body', `the body must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`);
  }
  return value as JsonObject;
}

/** Refuses fields other than `allowed`, so a typo ("ammount") is not silently ignored. */
function rejectUnknownFields(body: JsonObject, allowed: readonly string[]): void {
  for (const field of Object.keys(body)) {
    if (!allowed.includes(field)) {
      throw new ApiError(422, 'unknown_field', `unknown field ${JSON.stringify(field)}; expected ${allowed.map((f) => JSON.stringify(f)).join(' or ')}`, {
        field,
      });
    }
  }
}

export interface OpenAccountRequest {
  readonly id: string | undefined;
  readonly owner: string | null;
}

const maxOwnerLength = 200;

/** `{ "id"?: string, "owner"?: string }`, or no body at all. */
export function parseOpenAccount(body: JsonObject | undefined): OpenAccountRequest {
  if (body === undefined) return { id: undefined, owner: null };
  rejectUnknownFields(body, ['id', 'owner']);
  let id: string | undefined;
  if (body['id'] !== undefined) {
    const problem = accountIdProblem(body['id']);
    if (problem !== undefined) throw ApiError.invalidField('id', problem);
    id = body['id'] as string;
  }
  const owner = body['owner'];
  if (owner === undefined || owner === null) return { id, owner: null };
  if (typeof owner !== 'string') throw ApiError.invalidField('owner', `must be a string, got ${typeof owner}`);
  const trimmed = owner.trim();
  if (trimmed === '') throw ApiError.invalidField('owner', 'must not be empty');
  if (trimmed.length > maxOwnerLength) throw ApiError.invalidField('owner', `must be at most ${maxOwnerLength} characters, got ${trimmed.length}`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw ApiError.invalidField('owner', 'must not contain control characters');
  return { id, owner: trimmed };
}

/** `{ "amount": positive integer of cents }`. */
export function parseAmount(body: JsonObject): number {
  rejectUnknownFields(body, ['amount']);
  const problem = amountProblem(body['amount']);
  if (problem !== undefined) throw ApiError.invalidField('amount', problem);
  return body['amount'] as number;
}

/** The `:id` of the path, checked like ids given when opening. */
export function pathAccountId(c: Context): string {
  const id = c.req.param('id') ?? '';
  const problem = accountIdProblem(id);
  if (problem !== undefined) throw new ApiError(400, 'invalid_id', `the account id in the path ${problem}`, { field: 'id' });
  return id;
}

export const idempotencyKeyHeader = 'Idempotency-Key';

/** The request's `Idempotency-Key` header, checked; undefined when absent. */
export function parseIdempotencyKey(c: Context): string | undefined {
  const key = c.req.header(idempotencyKeyHeader);
  if (key === undefined) return undefined;
  const problem = idempotencyKeyProblem(key);
  if (problem !== undefined) {
    throw new ApiError(400, 'invalid_header', `the ${idempotencyKeyHeader} header ${problem}`, { field: idempotencyKeyHeader });
  }
  return key;
}
