import { requireNumber } from '../errors/index.js';
import type { ActorRef } from './ActorRef.js';
import { describeMessage, IllegalActorOperation, InvalidMessage } from './errors.js';
import { LocalActorRef } from './internal/LocalActorRef.js';
import { TempActorRef } from './internal/TempActorRef.js';

export interface AskOptions {
  /** How long to wait for the reply, on the system's clock. */
  readonly timeoutMs: number;
}

type RepliesOf<Req> = Req extends { readonly replyTo: ActorRef<infer R> } ? R : never;

/**
 * The reply type `ask` infers for a target of message type `Req`: what the `replyTo` fields of its
 * messages accept (a union when they differ), or `unknown` when no message has one.
 */
export type ReplyOf<Req> = [RepliesOf<Req>] extends [never] ? unknown : RepliesOf<Req>;

/**
 * Sends the message built by `createRequest` (given a one-shot `replyTo` ref) and resolves with the
 * first reply. It rejects with
 * - `AskTimeout` (naming the target, the timeout and the request) when no reply came in time;
 * - `RecipientTerminated` at once when the target is not alive (stopped, or nothing lives at its
 *   path): the request goes to dead letters, as a `tell` would;
 * - `RecipientTerminated` as soon as the target stops before replying (it returned
 *   `Behaviors.stopped`, failed without a restarting supervisor, its parent stopped it, a
 *   persistent actor's recovery failed), with the failure it stopped with as `cause`. A target
 *   that restarts is still alive and the ask keeps waiting. An actor that hands the request on
 *   to another actor to answer must stay alive until that one replied.
 *
 * The request type comes from the target and the request is checked against it. The reply type
 * is read from the target's messages: `ask(counter, (replyTo) => ({ type: 'get', replyTo }), o)` is
 * a `Promise<number>` when `replyTo: ActorRef<number>` is what those messages carry. When they carry
 * different reply types (the union is inferred), name the one you expect on `replyTo`:
 *
 * ```ts
 * const balance = await ask(account, (replyTo: ActorRef<number>) => ({ type: 'getBalance', replyTo }), { timeoutMs: 3000 });
 * ```
 *
 * (or `const balance: number = await ask(...)`, or both type arguments: `ask<AccountCommand, number>(...)`).
 * `ask<number>(...)` with the reply type alone is not offered: TypeScript infers no type argument
 * once one is written, so the request type would be lost and a wrong request would compile.
 * Array fields of request types should be `readonly`: the request literal is typed as a constant
 * (which keeps its `type: 'get'` literal), so its arrays are readonly tuples.
 */
export function ask<const Req, Res = ReplyOf<Req>>(
  target: ActorRef<Req>,
  createRequest: (replyTo: ActorRef<Res>) => NoInfer<Req>,
  options: AskOptions,
): Promise<Res> {
  const sink = LocalActorRef.sinkOf(target) ?? TempActorRef.askSinkOf(target);
  if (sink === undefined) {
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
  const { sys, recipient } = sink;
  return new Promise<Res>((resolve, reject) => {
    const replyTo = sys.tempRef<Res>(target.path, recipient, timeoutMs, resolve, reject);
    let request: Req;
    try {
      request = createRequest(replyTo);
      if (request === null || request === undefined) throw new InvalidMessage(target.path);
    } catch (error) {
      return replyTo.fail(error);
    }
    replyTo.requestType = describeMessage(request);
    // Registered before the request is sent: a target that ends on receiving it (a temp ref) fails the ask.
    if (!replyTo.settled) replyTo.register();
    if (!replyTo.settled) replyTo.startTimeout();
    try {
      target.tell(request);
    } catch (error) {
      replyTo.fail(error);
    }
  });
}
