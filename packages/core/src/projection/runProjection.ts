import type { ActorRef } from '../actor/ActorRef.js';
import type { ActorSystem } from '../actor/ActorSystem.js';
import { ask } from '../actor/ask.js';
import { requireNumber } from '../errors/index.js';
import type { Offset } from '../query/Offset.js';
import type { ProjectionId } from '../spi/OffsetStore.js';
import { ProjectionStopped } from './errors.js';
import type { Projection } from './Projection.js';
import { ProjectionBehavior, type ProjectionCommand, type ProjectionReply } from './ProjectionBehavior.js';
import type { ProjectionStatus } from './ProjectionStatus.js';

export interface RunProjectionOptions {
  /** Name of the projection's actor. Default `projection-<name>`, with `-<key>` for a key. */
  readonly actorName?: string;
  /** How long a management call waits for the projection's answer. Default 30 s. */
  readonly askTimeoutMs?: number;
}

/** A started projection: its status and its management, each a call to the projection's actor. */
export class RunningProjection {
  #final: ProjectionStatus | undefined;
  #terminated = false;

  constructor(
    readonly ref: ActorRef<ProjectionCommand>,
    readonly id: ProjectionId,
    system: ActorSystem,
    private readonly askTimeoutMs: number,
  ) {
    void system.whenTerminated.then(() => this.markStopped());
  }

  /** @internal Its actor stopped (system termination, a parent stopping it): calls answer at once. */
  markStopped(): void {
    this.#terminated = true;
  }

  /** State, offset, lag and the last error. After `stop()`, the status it stopped with. */
  status(): Promise<ProjectionStatus> {
    if (this.#final !== undefined) return Promise.resolve(this.#final);
    if (this.#terminated) return Promise.reject(new ProjectionStopped(this.id, 'report its status: its actor stopped'));
    return ask<ProjectionCommand, ProjectionStatus>(this.ref, (replyTo) => ({ type: 'getStatus', replyTo }), { timeoutMs: this.askTimeoutMs });
  }

  /** Stops consuming once the envelope in flight is handled; kept across restarts. */
  pause(): Promise<void> {
    return this.command('pause', (replyTo) => ({ type: 'pause', replyTo }));
  }

  resume(): Promise<void> {
    return this.command('resume', (replyTo) => ({ type: 'resume', replyTo }));
  }

  /** Continues after `offset` (an offset or its text); compare-and-set against the stored one. */
  setOffset(offset: Offset | string): Promise<void> {
    return this.command('set its offset', (replyTo) => ({ type: 'setOffset', offset, replyTo }));
  }

  /** Continues from the start. */
  clearOffset(): Promise<void> {
    return this.command('clear its offset', (replyTo) => ({ type: 'clearOffset', replyTo }));
  }

  /** Runs the projection's `rebuild` hook, clears the offset and runs again from the start. */
  rebuild(): Promise<void> {
    return this.command('rebuild', (replyTo) => ({ type: 'rebuild', replyTo }));
  }

  /** Ends the live query, stores what at-least-once handled, and stops the projection's actor. */
  async stop(): Promise<void> {
    if (this.#final !== undefined || this.#terminated) return;
    this.#final = await ask<ProjectionCommand, ProjectionStatus>(this.ref, (replyTo) => ({ type: 'stop', replyTo }), {
      timeoutMs: this.askTimeoutMs,
    });
  }

  private async command(operation: string, build: (replyTo: ActorRef<ProjectionReply>) => ProjectionCommand): Promise<void> {
    if (this.#final !== undefined) throw new ProjectionStopped(this.id, operation);
    if (this.#terminated) throw new ProjectionStopped(this.id, `${operation}: its actor stopped`);
    const reply = await ask<ProjectionCommand, ProjectionReply>(this.ref, build, { timeoutMs: this.askTimeoutMs });
    if (!reply.ok) throw reply.error;
  }
}

/** Starts `projection` in `system` (its actor is supervised) and returns a handle to manage it. */
export function runProjection<E>(system: ActorSystem, projection: Projection<E>, options: RunProjectionOptions = {}): RunningProjection {
  let handle: RunningProjection | undefined;
  const behavior = ProjectionBehavior.create(projection, () => handle?.markStopped());
  const askTimeoutMs = requireNumber('runProjection askTimeoutMs', options.askTimeoutMs ?? 30_000, { min: 1 });
  const { name, key } = projection.id;
  const actorName = options.actorName ?? `projection-${encodeURIComponent(name)}${key === '' ? '' : `-${encodeURIComponent(key)}`}`;
  const ref = system.spawn(behavior, actorName);
  handle = new RunningProjection(ref, projection.id, system, askTimeoutMs);
  return handle;
}
