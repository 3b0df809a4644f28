import type { ActorContext } from '../../actor/ActorContext.js';
import type { Behavior, BehaviorResult } from '../../actor/Behavior.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { InternalMessage } from '../../actor/internal/InternalMessage.js';
import type { Signal } from '../../actor/Signal.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import type { TimerScheduler } from '../../actor/TimerScheduler.js';
import { isErrorNamed } from '../../errors/index.js';
import { envelopeId, type EventEnvelope } from '../../query/EventEnvelope.js';
import { Offset } from '../../query/Offset.js';
import { OffsetConflict } from '../../spi/errors.js';
import { describeProjection, messageOf, ProjectionHandlerFailed, ProjectionSourceFailed } from '../errors.js';
import { retriesLeft } from '../HandlerRecovery.js';
import type { ProjectionDefinition } from '../Projection.js';
import { callEach, HandlerThrew } from './callHandlers.js';
import type { ProgressBoard } from './ProgressBoard.js';
import { SourceReader, type Batch, type Run } from './SourceReader.js';

class Pulled extends InternalMessage {
  constructor(
    readonly reader: SourceReader<unknown>,
    readonly batch: Batch<unknown>,
  ) {
    super();
  }
}

class PullFailed extends InternalMessage {
  constructor(
    readonly reader: SourceReader<unknown>,
    readonly error: unknown,
  ) {
    super();
  }
}

class Tick extends InternalMessage {
  constructor(readonly tick: 'continue' | 'retry' | 'save' | 'group') {
    super();
  }
}

type RunnerMessage = Pulled | PullFailed | Tick;

const CONTINUE = new Tick('continue');
const RETRY = new Tick('retry');
const SAVE = new Tick('save');
const GROUP = new Tick('group');

/** Envelopes handed to the handler together: one run, or (grouped) several. */
interface Unit<E> {
  readonly envelopes: readonly EventEnvelope<E>[];
  /** The offset of the last envelope: stored once the unit is done. */
  readonly offset: Offset;
  readonly offsetText: string;
}

/** A unit being attempted; kept while a retry waits. */
interface Attempt<E> {
  readonly unit: Unit<E>;
  attempts: number;
  /** Where to go on in the unit (at-least-once and at-most-once retry from the failed envelope). */
  next: number;
  /** At-most-once: the offset was stored before the handler ran. */
  offsetStored: boolean;
}

/** How far the source is read ahead of the handler, in envelopes. */
const READ_AHEAD = 1000;

/**
 * The actor that runs a projection from its stored offset until it is stopped: it reads the
 * source ahead, hands the handler one unit at a time and stores offsets as the delivery kind
 * says. A failure restarts it with the projection's backoff (from the stored offset again); an
 * `OffsetConflict` stops it, since another instance owns the offset.
 */
export function projectionRunner<E>(definition: ProjectionDefinition<E>, board: ProgressBoard): Behavior<RunnerMessage> {
  const run = Behaviors.withTimers<RunnerMessage>((timers) =>
    Behaviors.setup<RunnerMessage>(async (ctx) => {
      const runner = new Runner(definition, ctx, timers, board);
      await runner.start();
      return Behaviors.receive<RunnerMessage>(
        (_ctx, message) => runner.handle(message),
        (_ctx, signal) => runner.onSignal(signal),
      );
    }),
  );
  return Behaviors.supervise(Behaviors.supervise(run).onFailure(OffsetConflict, SupervisorStrategy.stop())).onFailure(definition.backoff);
}

class Runner<E> {
  private readonly name: string;
  private reader!: SourceReader<E>;
  /** The offset text last read or written: every offset write is a compare-and-set from it. */
  private expected: string | undefined;
  private readonly queue: Run<E>[] = [];
  private queued = 0;
  private pulling = false;
  private done = false;
  private retry: Attempt<E> | undefined;
  private continuePending = false;
  private group: Run<E>[] = [];
  private grouped = 0;
  private groupDue = false;
  /** At-least-once: the last handled offset and how many envelopes since the last save. */
  private handledText: string | undefined;
  private unsaved = 0;
  private conflicted = false;

  constructor(
    private readonly definition: ProjectionDefinition<E>,
    private readonly ctx: ActorContext<RunnerMessage>,
    private readonly timers: TimerScheduler<RunnerMessage>,
    private readonly board: ProgressBoard,
  ) {
    this.name = describeProjection(definition.id);
  }

  async start(): Promise<void> {
    const { id, source, delivery } = this.definition;
    let from: Offset;
    try {
      const stored = await delivery.store.readProjection(id);
      this.expected = stored.offset;
      from = stored.offset === undefined || stored.offset === String(Offset.start) ? Offset.start : source.parseOffset(stored.offset);
      this.reader = new SourceReader(source, from, READ_AHEAD, (work) => this.ctx.system.trackPendingWork(work));
    } catch (error) {
      throw this.failed(new ProjectionSourceFailed(id, 'reading its stored offset and opening its source', error));
    }
    this.board.offset = from.isStart ? undefined : String(from);
    this.board.position = from;
    this.board.failing = false;
    this.ctx.log.debug({ projection: this.name, offset: String(from) }, `projection ${this.name}: running from offset ${String(from)}`);
    this.pull();
  }

  handle(message: RunnerMessage): BehaviorResult<RunnerMessage> | Promise<BehaviorResult<RunnerMessage>> {
    if (message instanceof Pulled) {
      if (message.reader !== (this.reader as SourceReader<unknown>)) return;
      this.pulling = false;
      for (const run of message.batch.runs as readonly Run<E>[]) {
        this.queue.push(run);
        this.queued += run.envelopes.length;
      }
      if (message.batch.done) this.done = true;
    } else if (message instanceof PullFailed) {
      if (message.reader !== (this.reader as SourceReader<unknown>)) return;
      throw this.failed(new ProjectionSourceFailed(this.definition.id, 'reading its source', message.error));
    } else {
      switch (message.tick) {
        case 'continue':
          this.continuePending = false;
          break;
        case 'retry': {
          const attempt = this.retry;
          if (attempt === undefined) return;
          this.retry = undefined;
          return this.attempt(attempt);
        }
        case 'save':
          return this.saveProgress().then(() => this.step());
        case 'group':
          this.groupDue = true;
          break;
      }
    }
    return this.step();
  }

  onSignal(signal: Signal): Promise<void> | undefined {
    if (signal.type === 'Terminated') return undefined;
    return this.shutdown(signal.type === 'PostStop');
  }

  /** Takes the next unit and attempts it, or stops when the source completed and all is handled. */
  private step(): BehaviorResult<RunnerMessage> | Promise<BehaviorResult<RunnerMessage>> {
    if (this.retry !== undefined) return;
    this.pull();
    const unit = this.takeUnit();
    if (unit !== undefined) return this.attempt({ unit, attempts: 0, next: 0, offsetStored: false });
    if (this.done && this.queue.length === 0 && this.group.length === 0) return this.complete();
    return;
  }

  private takeUnit(): Unit<E> | undefined {
    const delivery = this.definition.delivery;
    if (delivery.kind !== 'grouped') {
      const run = this.queue.shift();
      if (run === undefined) return undefined;
      this.queued -= run.envelopes.length;
      return run;
    }
    while (this.grouped < delivery.groupSize) {
      const run = this.queue.shift();
      if (run === undefined) break;
      this.queued -= run.envelopes.length;
      this.group.push(run);
      this.grouped += run.envelopes.length;
    }
    const last = this.group[this.group.length - 1];
    if (last === undefined) return undefined;
    if (this.grouped < delivery.groupSize && !this.groupDue && !(this.done && this.queue.length === 0)) {
      if (!this.timers.isTimerActive('group')) this.timers.startSingleTimer('group', GROUP, delivery.groupWithinMs);
      return undefined;
    }
    const unit: Unit<E> = { envelopes: this.group.flatMap((run) => run.envelopes), offset: last.offset, offsetText: last.offsetText };
    this.group = [];
    this.grouped = 0;
    this.groupDue = false;
    this.timers.cancel('group');
    return unit;
  }

  private async attempt(attempt: Attempt<E>): Promise<BehaviorResult<RunnerMessage>> {
    attempt.attempts++;
    let threw: HandlerThrew<E> | undefined;
    try {
      await this.deliver(attempt, (handlerError) => (threw = handlerError));
    } catch (error) {
      if (threw === undefined) throw this.storeFailed(error);
      return this.recover(attempt, threw);
    }
    await this.unitDone(attempt.unit);
    return this.afterUnit();
  }

  /** Runs the handler on the unit and stores its offset, as the delivery kind says. */
  private async deliver(attempt: Attempt<E>, onThrow: (threw: HandlerThrew<E>) => void): Promise<void> {
    const { id, delivery } = this.definition;
    const { unit } = attempt;
    switch (delivery.kind) {
      case 'exactlyOnce':
        await delivery.store.inTransaction(id, this.expected, unit.offsetText, (tx) =>
          callEach(unit.envelopes, 0, (envelope) => delivery.handle(envelope, tx), onThrow),
        );
        this.expected = unit.offsetText;
        return;
      case 'grouped':
        await delivery.store.inTransaction(id, this.expected, unit.offsetText, (tx) =>
          callEach(unit.envelopes.slice(0, 1), 0, () => delivery.handle(unit.envelopes, tx), onThrow),
        );
        this.expected = unit.offsetText;
        return;
      case 'atLeastOnce':
        await callEach(unit.envelopes, attempt.next, delivery.handle, (threw) => {
          attempt.next = threw.index;
          onThrow(threw);
        });
        return;
      case 'atMostOnce':
        if (!attempt.offsetStored) {
          await delivery.store.saveOffset(id, this.expected, unit.offsetText);
          this.expected = unit.offsetText;
          attempt.offsetStored = true;
        }
        await callEach(unit.envelopes, attempt.next, delivery.handle, (threw) => {
          attempt.next = threw.index;
          onThrow(threw);
        });
        return;
    }
  }

  private async recover(attempt: Attempt<E>, threw: HandlerThrew<E>): Promise<BehaviorResult<RunnerMessage>> {
    const { recovery } = this.definition;
    const failedOn = envelopeId(threw.envelope);
    const fields = { projection: this.name, envelopeId: failedOn, attempt: attempt.attempts, err: threw.error };
    this.board.lastError = { message: messageOf(threw.error), envelopeId: failedOn, at: this.ctx.system.scheduler.now() };
    const what = `projection ${this.name}: the handler failed on envelope ${failedOn} (attempt ${attempt.attempts})`;
    if (retriesLeft(recovery, attempt.attempts) > 0 && (recovery.kind === 'retryAndFail' || recovery.kind === 'retryAndSkip')) {
      this.ctx.log.warn(fields, `${what}; retrying in ${recovery.delayMs} ms`);
      this.retry = attempt;
      this.timers.startSingleTimer('retry', RETRY, recovery.delayMs);
      return;
    }
    if (recovery.kind === 'skip' || recovery.kind === 'retryAndSkip') {
      this.ctx.log.warn(fields, `${what}; skipping it`);
      try {
        await this.skip(attempt);
      } catch (error) {
        throw this.storeFailed(error);
      }
      await this.unitDone(attempt.unit);
      return this.afterUnit();
    }
    this.ctx.log.error(fields, `${what}; the run fails and restarts from its stored offset`);
    throw this.failed(new ProjectionHandlerFailed(this.definition.id, failedOn, attempt.attempts, threw.error), failedOn);
  }

  /** Passes over the rest of the unit: its offset is stored without the handler's writes. */
  private async skip(attempt: Attempt<E>): Promise<void> {
    const { id, delivery } = this.definition;
    if (delivery.kind === 'exactlyOnce' || delivery.kind === 'grouped') {
      await delivery.store.saveOffset(id, this.expected, attempt.unit.offsetText);
      this.expected = attempt.unit.offsetText;
    }
  }

  /** The unit is handled (or skipped): report it, and for at-least-once count it toward a save. */
  private async unitDone(unit: Unit<E>): Promise<void> {
    this.board.offset = unit.offsetText;
    this.board.position = unit.offset;
    this.board.progressAt = this.ctx.system.scheduler.now();
    const delivery = this.definition.delivery;
    if (delivery.kind !== 'atLeastOnce') return;
    this.handledText = unit.offsetText;
    this.unsaved += unit.envelopes.length;
    if (this.unsaved >= delivery.saveAfterEnvelopes) await this.saveProgress();
    else if (!this.timers.isTimerActive('save')) this.timers.startSingleTimer('save', SAVE, delivery.saveAfterMs);
  }

  private afterUnit(): BehaviorResult<RunnerMessage> | Promise<BehaviorResult<RunnerMessage>> {
    this.pull();
    if (this.queue.length > 0) {
      if (!this.continuePending) {
        this.continuePending = true;
        this.ctx.self.tell(CONTINUE);
      }
      return;
    }
    return this.step();
  }

  /** At-least-once: stores the last handled offset, if it is not stored yet. */
  private async saveProgress(): Promise<void> {
    this.timers.cancel('save');
    const next = this.handledText;
    if (this.unsaved === 0 || next === undefined) return;
    try {
      await this.definition.delivery.store.saveOffset(this.definition.id, this.expected, next);
    } catch (error) {
      throw this.storeFailed(error);
    }
    this.expected = next;
    this.unsaved = 0;
  }

  private async complete(): Promise<BehaviorResult<RunnerMessage>> {
    await this.saveProgress();
    this.ctx.log.info({ projection: this.name }, `projection ${this.name}: its source completed`);
    return Behaviors.stopped;
  }

  private pull(): void {
    if (this.pulling || this.done || this.queued >= READ_AHEAD) return;
    this.pulling = true;
    const reader = this.reader as SourceReader<unknown>;
    const self = this.ctx.self;
    reader.read().then(
      (batch) => self.tell(new Pulled(reader, batch)),
      (error: unknown) => self.tell(new PullFailed(reader, error)),
    );
  }

  /** Ends the source; on stop (and pause) stores what at-least-once handled since its last save. */
  private async shutdown(stopping: boolean): Promise<void> {
    const { stopTimeoutMs } = this.definition;
    if (!(await this.reader.close(this.ctx.system.scheduler, stopTimeoutMs))) {
      this.ctx.log.warn({ projection: this.name }, `projection ${this.name}: its source did not end within ${stopTimeoutMs} ms of its signal aborting`);
    }
    if (stopping && !this.conflicted) await this.saveProgress();
  }

  /** A store call failed; a conflict stops this instance for good, anything else restarts it. */
  private storeFailed(error: unknown): Error {
    if (!isErrorNamed(error, 'OffsetConflict')) {
      return this.failed(new ProjectionSourceFailed(this.definition.id, 'storing its offset', error));
    }
    this.conflicted = true;
    this.ctx.log.error(
      { projection: this.name, err: error },
      `projection ${this.name}: its stored offset was changed by someone else, most likely another instance of it; ` +
        'this instance stops and is not restarted',
    );
    const conflict = error instanceof OffsetConflict ? error : new OffsetConflict(this.name, this.expected, undefined);
    return this.failed(conflict);
  }

  private failed(error: Error, failedOn?: string): Error {
    const at = this.ctx.system.scheduler.now();
    this.board.failing = true;
    this.board.lastError = failedOn === undefined ? { message: error.message, at } : { message: error.message, envelopeId: failedOn, at };
    return error;
  }
}
