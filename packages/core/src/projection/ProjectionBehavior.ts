import type { ActorContext } from '../actor/ActorContext.js';
import type { ActorRef } from '../actor/ActorRef.js';
import type { Behavior, BehaviorResult } from '../actor/Behavior.js';
import { Behaviors } from '../actor/Behaviors.js';
import type { Signal } from '../actor/Signal.js';
import type { StashBuffer } from '../actor/StashBuffer.js';
import { NonErrorFailure } from '../actor/errors.js';
import { InvalidArgument } from '../errors/index.js';
import { Offset } from '../query/Offset.js';
import type { Backlog } from '../query/ReadJournal.js';
import { describeProjection } from './errors.js';
import { projectionRunner } from './internal/ProjectionRunner.js';
import type { ProgressBoard } from './internal/ProgressBoard.js';
import { Projection, type ProjectionDefinition } from './Projection.js';
import type { ProjectionState, ProjectionStatus } from './ProjectionStatus.js';

/** The answer to a management command: done, or why not. */
export type ProjectionReply = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/** What a projection's actor understands (`runProjection` wraps them in methods). */
export type ProjectionCommand =
  | { readonly type: 'getStatus'; readonly replyTo: ActorRef<ProjectionStatus> }
  | { readonly type: 'pause'; readonly replyTo: ActorRef<ProjectionReply> }
  | { readonly type: 'resume'; readonly replyTo: ActorRef<ProjectionReply> }
  | { readonly type: 'setOffset'; readonly offset: Offset | string; readonly replyTo: ActorRef<ProjectionReply> }
  | { readonly type: 'clearOffset'; readonly replyTo: ActorRef<ProjectionReply> }
  | { readonly type: 'rebuild'; readonly replyTo: ActorRef<ProjectionReply> }
  /** Replies with the final status once the projection stopped. */
  | { readonly type: 'stop'; readonly replyTo: ActorRef<ProjectionStatus> };

const OK: ProjectionReply = Object.freeze({ ok: true });
/** Commands kept while one that needs the run stopped (pause, setOffset, ...) waits for it. */
const STASH_CAPACITY = 1000;

type Result = BehaviorResult<ProjectionCommand> | Promise<BehaviorResult<ProjectionCommand>>;

export const ProjectionBehavior = {
  /**
   * The actor of one projection: it runs the projection in a child actor (restarted with the
   * projection's backoff when it fails), answers the status and carries out the management
   * commands. Spawn it with `system.spawn` or from a parent; `runProjection` does and returns a handle.
   */
  create<E>(projection: Projection<E>, /** @internal */ onStopped?: () => void): Behavior<ProjectionCommand> {
    if (!(projection instanceof Projection)) {
      throw new InvalidArgument('ProjectionBehavior.create projection', projection, 'a Projection (Projection.exactlyOnce(...) and the like)');
    }
    const definition = projection.definition;
    const managed = Behaviors.withStash<ProjectionCommand>(STASH_CAPACITY, (stash) =>
      Behaviors.setup<ProjectionCommand>(async (ctx) => {
        const manager = new ProjectionManager(definition, ctx, stash);
        await manager.start();
        return Behaviors.receive<ProjectionCommand>(
          (_ctx, command) => manager.onCommand(command),
          (_ctx, signal) => {
            if (signal.type === 'PostStop') onStopped?.();
            return manager.onSignal(signal);
          },
        );
      }),
    );
    // It fails only when the offset store cannot be read at start; commands wait for the restart.
    return Behaviors.supervise(managed).onFailure({ ...definition.backoff, stashCapacity: STASH_CAPACITY });
  },
} as const;

class ProjectionManager<E> {
  private readonly name: string;
  private readonly board: ProgressBoard;
  private runner: ActorRef<never> | undefined;
  private runners = 0;
  private paused = false;
  private stopped = false;
  /** Why the last run stopped by itself (an offset conflict); undefined when it completed. */
  private runnerFailure: Error | undefined;
  /** A command's continuation, run once the runner has stopped; commands wait in the stash meanwhile. */
  private waiting: (() => Promise<BehaviorResult<ProjectionCommand>>) | undefined;

  constructor(
    private readonly definition: ProjectionDefinition<E>,
    private readonly ctx: ActorContext<ProjectionCommand>,
    private readonly stash: StashBuffer<ProjectionCommand>,
  ) {
    this.name = describeProjection(definition.id);
    this.board = { offset: undefined, position: undefined, progressAt: this.now(), failing: false, lastError: undefined };
  }

  async start(): Promise<void> {
    const stored = await this.definition.delivery.store.readProjection(this.definition.id);
    this.paused = stored.paused;
    this.showOffset(stored.offset);
    if (this.paused) this.ctx.log.info({ projection: this.name }, `projection ${this.name} starts paused`);
    else this.spawnRunner();
  }

  onCommand(command: ProjectionCommand): Result {
    if (command.type === 'getStatus') return this.replyStatus(command.replyTo);
    if (this.waiting !== undefined) {
      this.stash.stash(command);
      return;
    }
    switch (command.type) {
      case 'pause':
        return this.pause(command.replyTo);
      case 'resume':
        return this.resume(command.replyTo);
      case 'setOffset':
        return this.setOffset(command.offset, command.replyTo);
      case 'clearOffset':
        return this.withRunnerStopped(() => this.storeOffset(undefined, command.replyTo));
      case 'rebuild':
        return this.withRunnerStopped(() => this.rebuild(command.replyTo));
      case 'stop':
        return this.withRunnerStopped(async () => {
          this.stopped = true;
          command.replyTo.tell(await this.status());
          this.ctx.log.info({ projection: this.name }, `projection ${this.name} stopped`);
          return Behaviors.stopped;
        });
      default:
        return Behaviors.unhandled;
    }
  }

  onSignal(signal: Signal): Result {
    if (signal.type !== 'Terminated' || signal.ref !== this.runner) return;
    this.runner = undefined;
    const then = this.waiting;
    if (then !== undefined) {
      this.waiting = undefined;
      return then().then((next) => this.stash.unstashAll(next ?? Behaviors.same));
    }
    this.runnerFailure = signal.failure;
    if (signal.failure !== undefined) {
      this.ctx.log.error(
        { projection: this.name, err: signal.failure },
        `projection ${this.name} stopped running: ${signal.failure.message}; resume() starts it again`,
      );
    }
    return;
  }

  private async pause(replyTo: ActorRef<ProjectionReply>): Promise<BehaviorResult<ProjectionCommand>> {
    if (this.paused) return replyTo.tell(OK);
    try {
      await this.definition.delivery.store.savePaused(this.definition.id, true);
    } catch (error) {
      return replyTo.tell(failure(error));
    }
    this.paused = true;
    return this.withRunnerStopped(async () => {
      this.ctx.log.info({ projection: this.name }, `projection ${this.name} paused`);
      replyTo.tell(OK);
    });
  }

  private async resume(replyTo: ActorRef<ProjectionReply>): Promise<void> {
    if (this.paused) {
      try {
        await this.definition.delivery.store.savePaused(this.definition.id, false);
      } catch (error) {
        return replyTo.tell(failure(error));
      }
      this.paused = false;
      this.ctx.log.info({ projection: this.name }, `projection ${this.name} resumed`);
    }
    if (this.runner === undefined) this.spawnRunner();
    replyTo.tell(OK);
  }

  private setOffset(offset: Offset | string, replyTo: ActorRef<ProjectionReply>): Result {
    let text: string | undefined;
    try {
      const parsed = this.definition.source.parseOffset(offset instanceof Offset ? String(offset) : offset);
      text = parsed.isStart ? undefined : String(parsed);
    } catch (error) {
      replyTo.tell(failure(error));
      return;
    }
    return this.withRunnerStopped(() => this.storeOffset(text, replyTo));
  }

  /** With the run stopped: compare-and-set from what is stored now, then run again (unless paused). */
  private async storeOffset(text: string | undefined, replyTo: ActorRef<ProjectionReply>): Promise<void> {
    const { id, delivery } = this.definition;
    try {
      const stored = await delivery.store.readProjection(id);
      await delivery.store.saveOffset(id, stored.offset, text);
      this.showOffset(text);
      this.ctx.log.info({ projection: this.name, offset: text }, `projection ${this.name}: offset set to ${text ?? 'the start'}`);
      replyTo.tell(OK);
    } catch (error) {
      replyTo.tell(failure(error));
    }
    if (!this.paused) this.spawnRunner();
  }

  /** With the run stopped: the user's hook and clearing the offset (one transaction where the store has them), then run from the start. */
  private async rebuild(replyTo: ActorRef<ProjectionReply>): Promise<void> {
    const { id, delivery } = this.definition;
    try {
      const stored = await delivery.store.readProjection(id);
      if ((delivery.kind === 'exactlyOnce' || delivery.kind === 'grouped') && delivery.rebuild !== undefined) {
        const hook = delivery.rebuild;
        // The SPI's transaction always stores an offset: `start` reads back as the start.
        await delivery.store.inTransaction(id, stored.offset, String(Offset.start), (tx) => hook(tx));
      } else {
        if (delivery.kind === 'atLeastOnce' || delivery.kind === 'atMostOnce') await delivery.rebuild?.();
        await delivery.store.saveOffset(id, stored.offset, undefined);
      }
      if (this.paused) {
        await delivery.store.savePaused(id, false);
        this.paused = false;
      }
      this.showOffset(undefined);
      this.ctx.log.info({ projection: this.name }, `projection ${this.name} rebuilt; running from the start`);
      replyTo.tell(OK);
    } catch (error) {
      replyTo.tell(failure(error));
    }
    if (!this.paused) this.spawnRunner();
  }

  private withRunnerStopped(then: () => Promise<BehaviorResult<ProjectionCommand>>): Result {
    const runner = this.runner;
    if (runner === undefined) return then();
    this.waiting = then;
    this.ctx.stop(runner);
    return;
  }

  private spawnRunner(): void {
    this.runnerFailure = undefined;
    this.board.failing = false;
    this.board.progressAt = this.now();
    const runner = this.ctx.spawn(projectionRunner(this.definition, this.board), `run-${++this.runners}`);
    this.ctx.watch(runner);
    this.runner = runner as ActorRef<never>;
  }

  private async replyStatus(replyTo: ActorRef<ProjectionStatus>): Promise<void> {
    replyTo.tell(await this.status());
  }

  private async status(): Promise<ProjectionStatus> {
    const { id, source, lagCountLimit, stalledAfterMs } = this.definition;
    const state = this.state();
    let backlog: Backlog | undefined;
    const position = this.board.position;
    if (source.backlog !== undefined && position !== undefined) {
      try {
        backlog = await source.backlog(position, lagCountLimit);
      } catch (error) {
        this.ctx.log.warn({ projection: this.name, err: error }, `projection ${this.name}: counting its lag failed`);
      }
    }
    const now = this.now();
    const lagEvents = backlog?.events;
    const oldest = backlog?.oldestTimestamp;
    const lagMs = backlog === undefined ? undefined : oldest === undefined ? 0 : Math.max(0, now - oldest);
    const waiting = lagEvents !== undefined && lagEvents > 0;
    const stalled = (state === 'running' || state === 'failed') && waiting && now - this.board.progressAt >= stalledAfterMs;
    const lastError = this.board.lastError;
    return {
      name: id.name,
      key: id.key,
      state,
      offset: this.board.offset,
      lagEvents,
      lagCapped: backlog?.capped ?? false,
      lagMs,
      ...(lastError === undefined ? {} : { lastError }),
      stalled,
    };
  }

  private state(): ProjectionState {
    if (this.stopped) return 'stopped';
    if (this.paused) return 'paused';
    if (this.runner !== undefined) return this.board.failing ? 'failed' : 'running';
    return this.runnerFailure === undefined ? 'stopped' : 'failed';
  }

  /** What the status shows as the offset (and counts the lag from) until the runner reports. */
  private showOffset(text: string | undefined): void {
    const start = text === undefined || text === String(Offset.start);
    this.board.offset = start ? undefined : text;
    this.board.progressAt = this.now();
    try {
      this.board.position = start ? Offset.start : this.definition.source.parseOffset(text);
    } catch {
      this.board.position = undefined;
    }
  }

  private now(): number {
    return this.ctx.system.scheduler.now();
  }
}

function failure(error: unknown): ProjectionReply {
  return { ok: false, error: error instanceof Error ? error : new NonErrorFailure(error) };
}
