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
 * The response for any error a handler threw. Known refusals carry their own status; an ask that
 * got no answer in time is a 503 (the store may be down, the actor restarting); anything else is
 * a 500 whose details go to the log only, never to the client.
 */
export function errorResponse(error: unknown, c: Context, log: Logger): Response {
  if (error instanceof ApiError) return c.json(error.body, error.status);
  if (isErrorNamed(error, 'AskTimeout')) {
    log.warn({ err: error, method: c.req.method, path: c.req.path }, 'request timed out waiting for an actor');
    return c.json(
      {
        error: 'unavailable',
        message:
          'the account did not answer in time (storage may be recovering); try again later. ' +
          'A deposit or withdrawal that timed out may still have been applied: check the history before repeating it.',
      } satisfies ErrorBody,
      503,
    );
  }
  if (isErrorNamed(error, 'ActorSystemTerminated')) {
    return c.json({ error: 'unavailable', message: 'the service is shutting down; try again later' } satisfies ErrorBody, 503);
  }
  log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
  return c.json({ error: 'internal', message: 'internal error; the details are in the server log' } satisfies ErrorBody, 500);
}
