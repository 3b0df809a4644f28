import { requireNumber } from '../errors/index.js';
import type { ActorRef } from './ActorRef.js';
import { AskTimeout, describeMessage, IllegalActorOperation } from './errors.js';
import { LocalActorRef } from './internal/LocalActorRef.js';

export interface AskOptions {
  /** How long to wait for the reply, on the system's clock. */
  readonly timeoutMs: number;
}

/**
 * Sends the message built by `createRequest` (given a one-shot `replyTo` ref) and resolves with the
 * first reply, or rejects with `AskTimeout` naming the target and the timeout.
 *
 * The request type comes from the target; the reply type from the `replyTo` annotation or the
 * expected result: `const n: number = await ask(ref, (replyTo) => ({ type: 'get', replyTo }), ...)`.
 */
export function ask<const Req, Res>(
  target: ActorRef<Req>,
  createRequest: (replyTo: ActorRef<Res>) => NoInfer<Req>,
  options: AskOptions,
): Promise<Res> {
  const sys = LocalActorRef.sinkOf(target)?.sys;
  if (sys === undefined) {
    return Promise.reject(
      new IllegalActorOperation(String(target?.path), 'ask needs a ref to an actor system of this process'),
    );
  }
  let timeoutMs: number;
  try {
    timeoutMs = requireNumber('ask timeoutMs', options.timeoutMs, { min: 1 });
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise<Res>((resolve, reject) => {
    let requestType = 'the request';
    const reply = sys.tempRef<Res>((message) => {
      timeout.cancel();
      resolve(message);
    });
    const timeout = sys.scheduler.schedule(timeoutMs, () => {
      reply.dispose();
      reject(new AskTimeout(target.path, timeoutMs, requestType));
    });
    try {
      const request = createRequest(reply);
      requestType = describeMessage(request);
      target.tell(request);
    } catch (error) {
      timeout.cancel();
      reply.dispose();
      reject(error);
    }
  });
}
