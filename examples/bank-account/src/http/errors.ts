import { EngramError, isErrorNamed, type Logger } from '@engram/core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** What a client gets for every error: a stable code, a readable message, sometimes details. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly field?: string;
  readonly [detail: string]: unknown;
}

/**
 * A request the app refuses, with the HTTP status and the JSON body the client gets. Thrown by
 * request handlers and turned into the response by `errorResponse`.
 */
export class ApiError extends EngramError {
  override readonly name = 'ApiError';

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  get body(): ErrorBody {
    return { error: this.code, message: this.message, ...this.details };
  }

  /** A field of the request that has the wrong value: 422, naming the field. */
  static invalidField(field: string, problem: string): ApiError {
    return new ApiError(422, 'invalid_field', `${field} ${problem}`, { field });
  }
}

/**
 * The response for any error a handler threw. Known refusals carry their own status; an account
 * that could not answer (its write failed, it did not answer in time, the service is stopping) is
 * a 503 naming it; anything else is a 500 whose details go to the log only, never to the client.
 */
export function errorResponse(error: unknown, c: Context, log: Logger): Response {
  if (error instanceof ApiError) return c.json(error.body, error.status);
  if (isErrorNamed(error, 'AccountUnavailable')) {
    const { id } = error as Error & { readonly id: string };
    log.warn({ err: error, account: id, method: c.req.method, path: c.req.path }, 'request answered 503: the account is unavailable');
    c.header('Retry-After', '1');
    const retry = c.req.method === 'POST' ? ` ${retryAdvice}` : '';
    return c.json({ error: 'unavailable', message: `${error.message}; try again shortly.${retry}`, id } satisfies ErrorBody, 503);
  }
  if (isErrorNamed(error, 'ActorSystemTerminated')) {
    c.header('Retry-After', '1');
    return c.json({ error: 'unavailable', message: 'the service is shutting down; try again later' } satisfies ErrorBody, 503);
  }
  log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
  return c.json({ error: 'internal', message: 'internal error; the details are in the server log' } satisfies ErrorBody, 500);
}

const retryAdvice =
  'A deposit or withdrawal answered 503 may or may not have been applied: repeat it with the same Idempotency-Key ' +
  'and it is applied exactly once (without a key, check the history before repeating it).';
