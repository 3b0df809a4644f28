/**
 * Port of Akka's akka-persistence/src/test/scala/akka/persistence/PersistentActorStashingSpec.scala
 * to the classic PersistentActor: the user's stash()/unstashAll() next to the engine's own holding
 * back of commands while a persist is pending, with unstashAll called in the command or in a
 * persist handler, under failures (a resuming parent, as Akka's StashWithinHandlerSupervisor) and
 * mixed with persistAsync. `context.become` becomes a mode field; the SteppingInmemJournal becomes
 * a journal whose writes the test releases one call at a time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import { PersistentActor, persistentActor } from '../PersistentActor.js';
import { PuppetJournal } from './PuppetJournal.test-support.js';
import { specKit, terminated, TestException, type SpecKit } from './specKit.test-support.js';

type Cmd =
  | { readonly type: 'cmd'; readonly data: string; readonly replyTo: ActorRef<unknown> }
  | { readonly type: 'getState'; readonly replyTo: ActorRef<unknown> };

type Variant = 'command' | 'handler';

abstract class StashExampleActor extends PersistentActor<Cmd, string> {
  readonly persistenceId: string;
  events: string[] = [];

  constructor(
    name: string,
    /** Where unstashAll is called: in the command handler or in the persist handler. */
    protected readonly unstashIn: Variant,
  ) {
    super();
    this.persistenceId = name;
  }

  protected readonly updateState = (event: string): void => void this.events.push(event);

  receiveRecover(message: unknown): void {
    if (typeof message === 'string') this.updateState(message);
  }

  receiveCommand(message: Cmd | { readonly type: string }): void {
    if (message.type === 'getState') return (message as Extract<Cmd, { type: 'getState' }>).replyTo.tell([...this.events]);
    if (message.type === 'cmd') {
      const { data, replyTo } = message as Extract<Cmd, { type: 'cmd' }>;
      return this.onCmd(data, replyTo);
    }
  }

  protected abstract onCmd(data: string, replyTo: ActorRef<unknown>): void;

  /** Akka's unstashBehavior for Cmd("c"), as one of the two variants. */
  protected handleC(onPersisted: () => void, replyTo?: ActorRef<unknown>): void {
    this.persist('c', (event) => {
      this.updateState(event);
      replyTo?.tell(event);
      onPersisted();
      if (this.unstashIn === 'handler') this.unstashAll();
    });
    if (this.unstashIn === 'command') this.unstashAll();
  }
}

/** Akka's UserStashPersistentActor / UserStashWithinHandlerPersistentActor. */
class UserStashActor extends StashExampleActor {
  private stashed = false;

  protected onCmd(data: string, replyTo: ActorRef<unknown>): void {
    if (data === 'a' && !this.stashed) {
      this.stash();
      this.stashed = true;
    } else if (data === 'a') {
      replyTo.tell('a');
    } else if (data === 'b') {
      this.persist('b', (event) => replyTo.tell(event));
    } else if (data === 'c') {
      if (this.unstashIn === 'command') {
        this.unstashAll();
        replyTo.tell('c');
      } else {
        this.handleC(() => {}, replyTo);
      }
    }
  }
}

/** Akka's UserStashManyPersistentActor / UserStashWithinHandlerManyPersistentActor. */
class UserStashManyActor extends StashExampleActor {
  private processC = false;

  protected onCmd(data: string): void {
    if (this.processC) {
      if (data === 'c') return this.handleC(() => (this.processC = false));
      return this.stash();
    }
    if (data === 'a') {
      return this.persist('a', (event) => {
        this.updateState(event);
        this.processC = true;
      });
    }
    if (data === 'b-1' || data === 'b-2') this.persist(data, this.updateState);
  }
}

/** Akka's UserStashFailurePersistentActor / UserStashWithinHandlerFailureCallbackPersistentActor. */
class UserStashFailureActor extends StashExampleActor {
  private other = false;

  protected onCmd(data: string): void {
    if (this.other) {
      if (data === 'c') return this.handleC(() => (this.other = false));
      return this.stash();
    }
    if (data === 'b-2') throw new TestException('boom');
    this.persist(data, (event) => {
      this.updateState(event);
      if (data === 'a') this.other = true;
    });
  }
}

/** Akka's AsyncStashingPersistentActor / AsyncStashingWithinHandlerPersistentActor. */
class AsyncStashingActor extends StashExampleActor {
  private stashed = false;

  protected onCmd(data: string): void {
    if (data === 'a') return this.persistAsync('a', this.updateState);
    if (data === 'b' && !this.stashed) {
      this.stash();
      this.stashed = true;
      return;
    }
    if (data === 'b') return this.persistAsync('b', this.updateState);
    if (data === 'c') {
      this.persistAsync('c', (event) => {
        this.updateState(event);
        if (this.unstashIn === 'handler') this.unstashAll();
      });
      if (this.unstashIn === 'command') this.unstashAll();
    }
  }
}

let s: SpecKit | undefined;
afterEach(() => s?.kit.shutdown());
let puppet: PuppetJournal | undefined;
afterEach(() => {
  // Shutdown waits for pending writes.
  puppet?.confirmAll();
  puppet = undefined;
});

function start(create: (variant: Variant) => PersistentActor<Cmd, string>, variant: Variant, resume = false) {
  s = specKit();
  const behavior = persistentActor(() => create(variant));
  const ref = s.kit.spawn(resume ? Behaviors.supervise(behavior).onFailure(SupervisorStrategy.resume()) : behavior);
  return { ref, kit: s.kit, probe: s.kit.createTestProbe<unknown>() };
}

const cmd = (data: string, replyTo: ActorRef<unknown>): Cmd => ({ type: 'cmd', data, replyTo });

describe('Stashing in a persistent actor (Akka PersistentActorStashingSpec)', () => {
  for (const variant of ['command', 'handler'] as const) {
    const where = variant === 'command' ? '' : ' (unstashAll called in handler)';

    it(`support user stash operations${where}`, async () => {
      const { ref, probe } = start((v) => new UserStashActor('stash', v), variant);
      ref.tell(cmd('a', probe.ref));
      ref.tell(cmd('b', probe.ref));
      ref.tell(cmd('c', probe.ref));
      expect(await probe.receiveMessages(3)).toEqual(['b', 'c', 'a']);
    });

    it(`support user stash operations with several stashed messages${where}`, async () => {
      const { ref, probe } = start((v) => new UserStashManyActor('many', v), variant);
      const n = 10;
      for (let i = 0; i < n; i++) for (const data of ['a', 'b-1', 'b-2', 'c']) ref.tell(cmd(data, probe.ref));
      ref.tell({ type: 'getState', replyTo: probe.ref });
      expect(await probe.receiveMessage()).toEqual(Array.from({ length: n }, () => ['a', 'c', 'b-1', 'b-2']).flat());
    });

    it(`support user stash operations under failures${where}`, async () => {
      // A command handler that throws changes nothing; the resumed actor goes on, in order.
      const { ref, probe } = start((v) => new UserStashFailureActor('failure', v), variant, true);
      const bs = Array.from({ length: 10 }, (_, i) => `b-${i + 1}`);
      ref.tell(cmd('a', probe.ref));
      for (const b of bs) ref.tell(cmd(b, probe.ref));
      ref.tell(cmd('c', probe.ref));
      ref.tell({ type: 'getState', replyTo: probe.ref });
      expect(await probe.receiveMessage()).toEqual(['a', 'c', ...bs.filter((b) => b !== 'b-2')]);
    });
  }

  it('fail when calling stash in persist handler', async () => {
    class StashWithinHandler extends PersistentActor<Cmd, string> {
      readonly persistenceId = 'stash-within-handler';
      receiveRecover(): void {}
      receiveCommand(message: Cmd | { readonly type: string }): void {
        if (message.type !== 'cmd') return;
        const { data } = message as Extract<Cmd, { type: 'cmd' }>;
        const stashWithinHandler = () => this.stash();
        if (data === 'a') this.persist('a', stashWithinHandler);
        if (data === 'b') this.persistAsync('b', stashWithinHandler);
        if (data === 'c') {
          this.persist('x', () => {});
          this.deferAsync('c', stashWithinHandler);
        }
      }
    }
    for (const data of ['a', 'b', 'c']) {
      s = specKit();
      const ref = s.kit.spawn(persistentActor(() => new StashWithinHandler()));
      ref.tell(cmd(data, s.kit.createTestProbe<unknown>().ref));
      const failure = await terminated(s.kit, ref);
      expect(failure?.name).toBe('IllegalPersistenceOperation');
      expect(failure?.message).toBe('persistenceId "stash-within-handler": stash() is only possible while handling a command');
      await s.kit.shutdown();
    }
    s = undefined;
  });
});

describe('Stashing in a persistent actor mixed with persistAsync (Akka SteppingInMemPersistentActorStashingSpec)', () => {
  for (const variant of ['command', 'handler'] as const) {
    const where = variant === 'command' ? '' : ' (unstashAll called in handler)';

    it(`handle async callback not happening until next message has been stashed${where}`, async () => {
      const journal = (puppet = new PuppetJournal());
      s = specKit({ journal, heldWork: () => journal.heldWork });
      const ref = s.kit.spawn(persistentActor(() => new AsyncStashingActor('async-stash', variant)));
      const probe = s.kit.createTestProbe<unknown>();
      ref.tell(cmd('a', probe.ref));
      ref.tell(cmd('b', probe.ref));
      await s.kit.settle();
      // The write of "a" completes only after "b" was stashed.
      expect(journal.heldEvents()).toEqual([[['a']]]);
      journal.confirm();
      ref.tell(cmd('c', probe.ref));
      for (await s.kit.settle(); journal.heldCalls > 0; await s.kit.settle()) journal.confirm();
      ref.tell({ type: 'getState', replyTo: probe.ref });
      expect(await probe.receiveMessage()).toEqual(['a', 'c', 'b']);
    });
  }
});
