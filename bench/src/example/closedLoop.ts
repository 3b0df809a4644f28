import { Pool, errors as undiciErrors } from 'undici';
import type { Outcome } from './Meter.js';

export interface LoadRequest {
  readonly path: string;
  readonly body: string;
}

export interface ClosedLoopOptions {
  readonly connections: number;
  /** The next request to send, or undefined when there is no more work. */
  readonly next: () => LoadRequest | undefined;
  /** No request is sent after this `performance.now()`; those in flight are still awaited. */
  readonly stopAt: number;
  readonly onOutcome: (request: LoadRequest, outcome: Outcome, latencyNs: number) => void;
}

// Long enough for any answer of a service under load (its own ask timeout is 5 s), short enough that nothing hangs.
const requestTimeoutMs = 30_000;
const headers = { 'content-type': 'application/json' };

/** A keep-alive connection pool to one service: `connections` sockets, one request in flight on each. */
export function createPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    connectTimeout: requestTimeoutMs,
  });
}

/**
 * `connections` workers, each sending one POST and awaiting its whole answer before the next
 * (a closed loop: the offered load is what the service can answer, as with clients waiting on it).
 */
export async function runClosedLoop(pool: Pool, options: ClosedLoopOptions): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      if (performance.now() >= options.stopAt) return;
      const request = options.next();
      if (request === undefined) return;
      const startedAt = process.hrtime.bigint();
      const outcome = await send(pool, request);
      options.onOutcome(request, outcome, Number(process.hrtime.bigint() - startedAt));
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
}

async function send(pool: Pool, request: LoadRequest): Promise<Outcome> {
  try {
    const response = await pool.request({ method: 'POST', path: request.path, headers, body: request.body });
    if (response.statusCode >= 200 && response.statusCode < 300) {
      await response.body.dump();
      return { kind: 'status', status: response.statusCode };
    }
    return { kind: 'status', status: response.statusCode, body: await response.body.text() };
  } catch (error) {
    return { kind: 'network', code: networkCode(error), message: error instanceof Error ? error.message : String(error) };
  }
}

function networkCode(error: unknown): string {
  if (error instanceof undiciErrors.UndiciError) return error.code;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
