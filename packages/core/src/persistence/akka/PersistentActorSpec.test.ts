/**
 * Port of Akka's akka-persistence/src/test/scala/akka/persistence/PersistentActorSpec.scala to the
 * classic PersistentActor: how persist, persistAll, persistAsync, defer and deferAsync handlers are
 * ordered against each other, against replies and against later commands (also when nested), and
 * how snapshots, deletes, restarts and recovery show through. Akka's `sender()` becomes a replyTo
 * in the command; `context.become` becomes a mode field. Cases about Akka-only machinery
 * (stackable traits, null ids, runtime plugin config, thread latches, preRestart hooks) are not
 * ported.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActorRef } from '../../actor/ActorRef.js';
import { Behaviors } from '../../actor/Behaviors.js';
import { SupervisorStrategy } from '../../actor/SupervisorStrategy.js';
import { PersistentActor, persistentActor } from '../PersistentActor.js';
import type { PersistenceResponse, RecoveryCompleted, SnapshotOffer } from '../responses.js';
import { specKit, storedEvents, terminated, TestException, type SpecKit } from './specKit.test-support.js';

type Cmd =
  | { readonly type: 'cmd'; readonly data: string; readonly replyTo: ActorRef<unknown> }
  | { readonly type: 'getState'; readonly replyTo: ActorRef<unknown> }
  | { readonly type: 'delete'; readonly toSequenceNr: number; readonly replyTo: ActorRef<unknown> }
  | { readonly type: 'snap' }
  | { readonly type: 'boom' }
  | { readonly type: 'stop' };

/** Akka's ExamplePersistentActor: the events it saw are its state. */
abstract class ExampleActor extends PersistentActor<Cmd, unknown> {
  readonly persistenceId: string;
  events: unknown[] = [];
  private deleteRequester: ActorRef<unknown> | undefined;

  constructor(name: string) {
    super();
    this.persistenceId = name;
  }

  readonly updateState = (event: unknown): void => void this.events.push(event);

  receiveRecover(message: unknown): void {
    const typed = message as SnapshotOffer<unknown[]> | RecoveryCompleted;
    if (typed?.type === 'SnapshotOffer') return this.onOffer(typed);
    if (typed?.type === 'RecoveryCompleted') return this.onRecoveryCompleted();
    this.onReplayed(message);
  }

  protected onOffer(offer: SnapshotOffer<unknown[]>): void {
    this.events = [...offer.snapshot];
  }

  protected onReplayed(event: unknown): void {
    this.updateState(event);
  }

  protected onRecoveryCompleted(): void {}

  receiveCommand(message: Cmd | PersistenceResponse): void {
    switch (message.type) {
      case 'boom':
        throw new TestException('boom');
      case 'getState':
        return message.replyTo.tell([...this.events]);
      case 'stop':
        return this.stopSelf();
      case 'snap':
        return this.saveSnapshot([...this.events]);
      case 'delete':
        this.deleteRequester = message.replyTo;
        return this.deleteMessages(message.toSequenceNr);
      case 'cmd':
        return this.onCmd(message.data, message.replyTo);
      case 'DeleteMessagesSuccess':
        return this.deleteRequester?.tell({ type: message.type, toSequenceNr: message.toSequenceNr });
      case 'DeleteMessagesFailure':
        return this.deleteRequester?.tell({ type: message.type, cause: (message.cause as Error).message });
      default:
        return this.onResponse(message);
    }
  }

  protected abstract onCmd(data: string, replyTo: ActorRef<unknown>): void;

  protected onResponse(_response: PersistenceResponse): void {}
}

class Behavior1 extends ExampleActor {
  protected onCmd(data: string): void {
    this.persistAll([`${data}-1`, `${data}-2`], this.updateState);
  }
}

class Behavior2 extends ExampleActor {
  protected onCmd(data: string): void {
    this.persistAll([`${data}-1`, `${data}-2`], this.updateState);
    this.persistAll([`${data}-3`, `${data}-4`], this.updateState);
  }
}

class Behavior3 extends ExampleActor {
  protected onCmd(data: string): void {
    this.persistAll([`${data}-11`, `${data}-12`], this.updateState);
    this.updateState(`${data}-10`);
  }
}

type BehaviorChange = 'firstEventHandler' | 'lastEventHandler' | 'commandHandlerFirst' | 'commandHandlerLast';

/** Akka's ChangeBehaviorIn*PersistentActor: switches between two command handlers. */
class ChangingActor extends ExampleActor {
  private changed = false;

  constructor(
    name: string,
    private readonly where: BehaviorChange,
  ) {
    super(name);
  }

  protected onCmd(data: string): void {
    const eventHandlerChange = this.where === 'firstEventHandler' || this.where === 'lastEventHandler';
    if (!this.changed) {
      if (this.where === 'commandHandlerFirst') this.changed = true;
      this.persist(`${data}-0`, (event) => {
        this.updateState(event);
        if (eventHandlerChange) this.changed = true;
      });
      if (this.where === 'commandHandlerLast') this.changed = true;
      return;
    }
    if (eventHandlerChange) {
      const back = (event: string) => {
        this.updateState(event);
        this.changed = false;
      };
      this.persist(`${data}-21`, this.where === 'firstEventHandler' ? back : this.updateState);
      this.persist(`${data}-22`, this.where === 'lastEventHandler' ? back : this.updateState);
      return;
    }
    if (this.where === 'commandHandlerFirst') this.changed = false;
    this.persistAll([`${data}-31`, `${data}-32`], this.updateState);
    this.updateState(`${data}-30`);
    if (this.where === 'commandHandlerLast') this.changed = false;
  }
}

class SnapshottingActor extends ExampleActor {
  constructor(
    name: string,
    protected readonly probe: ActorRef<unknown>,
  ) {
    super(name);
  }

  protected override onOffer(offer: SnapshotOffer<unknown[]>): void {
    this.probe.tell('offered');
    super.onOffer(offer);
  }

  protected onCmd(data: string, _replyTo?: ActorRef<unknown>): void {
    this.persistAll([`${data}-41`, `${data}-42`], this.updateState);
  }

  protected override onResponse(response: PersistenceResponse): void {
    if (response.type === 'SaveSnapshotSuccess') this.probe.tell('saved');
  }
}

/** Akka's SnapshottingBecomingPersistentActor: changes its handler, and sends itself a command, during recovery. */
class SnapshottingBecomingActor extends SnapshottingActor {
  private becoming = false;

  protected override onOffer(offer: SnapshotOffer<unknown[]>): void {
    this.becoming = true;
    this.self.tell({ type: 'cmd', data: "It's changing me", replyTo: this.probe });
    super.onOffer(offer);
  }

  protected override onCmd(data: string, replyTo: ActorRef<unknown>): void {
    if (this.becoming && data === "It's changing me") return replyTo.tell('I am becoming');
    super.onCmd(data);
  }
}

/** Akka's HandleRecoveryFinishedEventPersistentActor. */
class RecoveryFinishedActor extends SnapshottingActor {
  protected override onOffer(offer: SnapshotOffer<unknown[]>): void {
    this.self.tell({ type: 'cmd', data: 'I am the stashed', replyTo: this.probe });
    super.onOffer(offer);
  }

  protected override onRecoveryCompleted(): void {
    this.probe.tell('RecoveryCompleted');
    this.self.tell({ type: 'cmd', data: 'I am the recovered', replyTo: this.probe });
    this.updateState('RecoveryCompleted');
  }

  protected override onCmd(data: string, replyTo: ActorRef<unknown>): void {
    if (data.startsWith('I am the')) return replyTo.tell(data);
    super.onCmd(data);
  }
}

/** A classic actor whose command handling is given as a function, for the one-off actors of the spec. */
class ScriptedActor extends ExampleActor {
  counter = 0;

  constructor(
    name: string,
    private readonly script: (self: ScriptedActor, data: string, replyTo: ActorRef<unknown>) => void,
  ) {
    super(name);
  }

  protected onCmd(data: string, replyTo: ActorRef<unknown>): void {
    this.script(this, data, replyTo);
  }

  next(): number {
    return ++this.counter;
  }

  // The spec's actors call the protected API from their scripts.
  doPersist<T>(event: T, handler: (event: T) => void): void {
    this.persist(event, handler);
  }
  doPersistAll<T>(events: readonly T[], handler: (event: T) => void): void {
    this.persistAll(events, handler);
  }
  doPersistAsync<T>(event: T, handler: (event: T) => void): void {
    this.persistAsync(event, handler);
  }
  doDefer<T>(event: T, handler: (event: T) => void): void {
    this.defer(event, handler);
  }
  doDeferAsync<T>(event: T, handler: (event: T) => void): void {
    this.deferAsync(event, handler);
  }
}

type Script = (self: ScriptedActor, data: string, replyTo: ActorRef<unknown>) => void;

let s: SpecKit;
beforeEach(() => {
  s = specKit();
});
afterEach(() => s.kit.shutdown());

function spawn(create: () => PersistentActor<Cmd, unknown>, supervision?: SupervisorStrategy): ActorRef<Cmd> {
  const behavior = persistentActor(create);
  return s.kit.spawn(supervision === undefined ? behavior : Behaviors.supervise(behavior).onFailure(supervision));
}

let scriptedActors = 0;
/** persistenceId of the ScriptedActor spawned last. */
let lastPid = '';

function scripted(script: Script, supervision?: SupervisorStrategy): ActorRef<Cmd> {
  const pid = `scripted-${++scriptedActors}`;
  lastPid = pid;
  return spawn(() => new ScriptedActor(pid, script), supervision);
}

const probe = () => s.kit.createTestProbe<unknown>();
const cmd = (data: string, replyTo: ActorRef<unknown>): Cmd => ({ type: 'cmd', data, replyTo });

async function getState(ref: ActorRef<Cmd>): Promise<unknown> {
  const replies = probe();
  ref.tell({ type: 'getState', replyTo: replies.ref });
  return replies.receiveMessage();
}

async function stop(ref: ActorRef<Cmd>): Promise<void> {
  ref.tell({ type: 'stop' });
  await terminated(s.kit, ref);
}

/** Sends `data` as commands to a fresh ScriptedActor and returns what its probe received. */
async function run(script: Script, ...data: string[]): Promise<unknown[]> {
  const replies = probe();
  const ref = scripted(script);
  for (const d of data) ref.tell(cmd(d, replies.ref));
  await s.kit.settle();
  return [...replies.messages];
}

describe('A persistent actor (Akka PersistentActorSpec)', () => {
  it('recover from persisted events', async () => {
    const ref = spawn(() => new Behavior1('b1'));
    ref.tell(cmd('a', probe().ref));
    expect(await getState(ref)).toEqual(['a-1', 'a-2']);
    await stop(ref);
    expect(await getState(spawn(() => new Behavior1('b1')))).toEqual(['a-1', 'a-2']);
  });

  it('handle multiple emitted events in correct order (for a single persist call)', async () => {
    const ref = spawn(() => new Behavior1('b1'));
    ref.tell(cmd('a', probe().ref));
    ref.tell(cmd('b', probe().ref));
    expect(await getState(ref)).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
    expect(s.journal.writes.map((w) => w.events.map((e) => e.sequenceNr))).toEqual([[1, 2], [3, 4]]);
  });

  it('handle multiple emitted events in correct order (for multiple persist calls)', async () => {
    const ref = spawn(() => new Behavior2('b2'));
    ref.tell(cmd('b', probe().ref));
    expect(await getState(ref)).toEqual(['b-1', 'b-2', 'b-3', 'b-4']);
  });

  it('receive emitted events immediately after command', async () => {
    const ref = spawn(() => new Behavior3('b3'));
    ref.tell(cmd('b', probe().ref));
    ref.tell(cmd('c', probe().ref));
    expect(await getState(ref)).toEqual(['b-10', 'b-11', 'b-12', 'c-10', 'c-11', 'c-12']);
  });

  it('recover on command failure (restart: what was only in memory is gone, the stored events are recovered)', async () => {
    const ref = spawn(() => new Behavior3('b3'), SupervisorStrategy.restart());
    ref.tell(cmd('b', probe().ref));
    ref.tell({ type: 'boom' });
    ref.tell(cmd('c', probe().ref));
    expect(await getState(ref)).toEqual(['b-11', 'b-12', 'c-10', 'c-11', 'c-12']);
  });

  it('recover on command failure (resume: the events a failing command persisted are never written)', async () => {
    const replies = probe();
    const ref = scripted((self, data, replyTo) => {
      self.doPersist(`${data}-stored`, (e) => {
        self.updateState(e);
        replyTo.tell(e);
      });
      if (data === 'fail') throw new TestException('after persist');
    }, SupervisorStrategy.resume());
    ref.tell(cmd('a', replies.ref));
    ref.tell(cmd('fail', replies.ref));
    ref.tell(cmd('b', replies.ref));
    expect(await replies.receiveMessages(2)).toEqual(['a-stored', 'b-stored']);
    expect(await getState(ref)).toEqual(['a-stored', 'b-stored']);
    expect(await storedEvents(s.journal, lastPid)).toEqual(['a-stored', 'b-stored']);
  });

  for (const [where, expected] of [
    ['firstEventHandler', ['b-0', 'c-21', 'c-22', 'd-0', 'e-21', 'e-22']],
    ['lastEventHandler', ['b-0', 'c-21', 'c-22', 'd-0', 'e-21', 'e-22']],
    ['commandHandlerFirst', ['b-0', 'c-30', 'c-31', 'c-32', 'd-0', 'e-30', 'e-31', 'e-32']],
    ['commandHandlerLast', ['b-0', 'c-30', 'c-31', 'c-32', 'd-0', 'e-30', 'e-31', 'e-32']],
  ] as const) {
    const name = {
      firstEventHandler: 'in event handler (when handling first event)',
      lastEventHandler: 'in event handler (when handling last event)',
      commandHandlerFirst: 'in command handler (as first action)',
      commandHandlerLast: 'in command handler (as last action)',
    }[where];
    it(`allow behavior changes ${name}`, async () => {
      const ref = spawn(() => new ChangingActor('changing', where));
      for (const data of ['b', 'c', 'd', 'e']) ref.tell(cmd(data, probe().ref));
      expect(await getState(ref)).toEqual(expected);
    });
  }

  it('support snapshotting', async () => {
    const replies = probe();
    const first = spawn(() => new SnapshottingActor('snap', replies.ref));
    first.tell(cmd('b', replies.ref));
    first.tell({ type: 'snap' });
    first.tell(cmd('c', replies.ref));
    await replies.expectMessage('saved');
    expect(await getState(first)).toEqual(['b-41', 'b-42', 'c-41', 'c-42']);
    await stop(first);
    const second = spawn(() => new SnapshottingActor('snap', replies.ref));
    await replies.expectMessage('offered');
    expect(await getState(second)).toEqual(['b-41', 'b-42', 'c-41', 'c-42']);
  });

  it('support context.become during recovery', async () => {
    const replies = probe();
    const first = spawn(() => new SnapshottingActor('snap', replies.ref));
    first.tell(cmd('b', replies.ref));
    first.tell({ type: 'snap' });
    first.tell(cmd('c', replies.ref));
    await replies.expectMessage('saved');
    await stop(first);
    const second = spawn(() => new SnapshottingBecomingActor('snap', replies.ref));
    await replies.expectMessage('offered');
    await replies.expectMessage('I am becoming');
    expect(await getState(second)).toEqual(['b-41', 'b-42', 'c-41', 'c-42']);
  });

  it('be able to reply within an event handler', async () => {
    expect(await run((self, data, replyTo) => self.doPersist(data, (e) => replyTo.tell(e)), 'a')).toEqual(['a']);
  });

  it('be able to persist events that extend AnyVal', async () => {
    expect(await run((self, _data, replyTo) => self.doPersist(5, (e) => replyTo.tell(e)), 'a')).toEqual([5]);
    expect(await storedEvents(s.journal, lastPid)).toEqual([5]);
  });

  it('be able to opt-out from stashing messages until all events have been processed', async () => {
    const asyncPersist: Script = (self, data, replyTo) => {
      replyTo.tell(data);
      self.doPersistAsync(`${data}-${self.next()}`, (e) => replyTo.tell(e));
    };
    expect(await run(asyncPersist, 'x', 'y')).toEqual(['x', 'y', 'x-1', 'y-2']);
  });

  const threeTimes: Script = (self, data, replyTo) => {
    replyTo.tell(data);
    for (let i = 0; i < 3; i++) self.doPersistAsync(`${data}-${self.next()}`, (e) => replyTo.tell(`a${e.slice(1)}`));
  };

  it("support multiple persistAsync calls for one command, and execute them 'when possible', not hindering command processing", async () => {
    const commands = Array.from({ length: 10 }, (_, i) => `c-${i + 1}`);
    const all = (await run(threeTimes, ...commands)) as string[];
    expect(all).toHaveLength(40);
    expect(all.filter((r) => r.split('-').length === 2)).toEqual(commands);
    const expectedAcks = Array.from({ length: 30 }, (_, k) => k + 3).map((i) => `a-${Math.floor(i / 3)}-${i - 2}`);
    expect(all.filter((r) => r.split('-').length === 3)).toEqual(expectedAcks);
  });

  it('reply to the original sender() of a command, even when using persistAsync', async () => {
    const ref = scripted(threeTimes);
    const probes = Array.from({ length: 10 }, () => probe());
    probes.forEach((p, i) => ref.tell(cmd(`c-${i + 1}`, p.ref)));
    for (const [i, p] of probes.entries()) {
      const n = 3 * i;
      expect(await p.receiveMessages(4)).toEqual([`c-${i + 1}`, `a-${i + 1}-${n + 1}`, `a-${i + 1}-${n + 2}`, `a-${i + 1}-${n + 3}`]);
    }
  });

  it("support the same event being asyncPersist'ed multiple times", async () => {
    const twice: Script = (self, data, replyTo) => {
      replyTo.tell(data);
      const event = { data };
      self.doPersistAsync(event, (e) => replyTo.tell(`${e.data}-a-${self.next()}`));
      self.doPersistAsync(event, (e) => replyTo.tell(`${e.data}-b-${self.next()}`));
    };
    expect(await run(twice, 'x')).toEqual(['x', 'x-a-1', 'x-b-2']);
  });

  it('support calling persistAll with Nil', async () => {
    const nil: Script = (self, data, replyTo) => {
      if (data.includes('defer')) self.doDeferAsync('before-nil', (e) => replyTo.tell(e));
      else self.doPersist('before-nil', (e) => replyTo.tell(e));
      self.doPersistAll([], () => replyTo.tell('Nil'));
      self.doDeferAsync('after-nil', (e) => replyTo.tell(e));
      replyTo.tell(data);
    };
    expect(await run(nil, 'defer-x')).toEqual(['before-nil', 'after-nil', 'defer-x']);
    expect(await run(nil, 'persist-x')).toEqual(['persist-x', 'before-nil', 'after-nil']);
  });

  it('support a mix of persist calls (sync, async, sync) and persist calls in expected order', async () => {
    const mixed: Script = (self, data, replyTo) => {
      replyTo.tell(data);
      self.doPersist(`${data}-e1`, (e) => replyTo.tell(`${e}-${self.next()}`));
      self.doPersistAsync(`${data}-ea2`, (e) => replyTo.tell(`${e}-${self.next()}`));
      self.doPersist(`${data}-e3`, (e) => replyTo.tell(`${e}-${self.next()}`));
    };
    expect(await run(mixed, 'a', 'b', 'c')).toEqual([
      'a', 'a-e1-1', 'a-ea2-2', 'a-e3-3',
      'b', 'b-e1-4', 'b-ea2-5', 'b-e3-6',
      'c', 'c-e1-7', 'c-ea2-8', 'c-e3-9',
    ]);
  });

  it('support a mix of persist calls (sync, async) and persist calls', async () => {
    const mixed: Script = (self, data, replyTo) => {
      replyTo.tell(data);
      self.doPersist(`${data}-e1`, (e) => replyTo.tell(`${e}-${self.next()}`));
      self.doPersistAsync(`${data}-ea2`, (e) => replyTo.tell(`${e}-${self.next()}`));
    };
    const got = await run(mixed, 'a', 'b', 'c');
    expect(got).toHaveLength(9);
    // The persist handler comes before the next command; the persistAsync handler may come after it.
    expect(got.slice(0, 2)).toEqual(['a', 'a-e1-1']);
    expect(new Set(got.slice(2, 4))).toEqual(new Set(['b', 'a-ea2-2']));
    expect(got[4]).toBe('b-e1-3');
    expect(new Set(got.slice(5, 7))).toEqual(new Set(['c', 'b-ea2-4']));
    expect(got.slice(7)).toEqual(['c-e1-5', 'c-ea2-6']);
  });

  it('correlate persistAsync handlers after restart', async () => {
    const replies = probe();
    const ref = scripted((self, data, replyTo) => {
      self.doPersistAsync(data, (e) => {
        if (e !== data) replyTo.tell(`Expected [${data}] but got [${e}]`);
        if (e === 'done') replyTo.tell('done');
      });
    }, SupervisorStrategy.restart());
    for (let n = 1; n <= 100; n++) ref.tell(cmd(String(n), replies.ref));
    ref.tell({ type: 'boom' });
    for (let n = 1; n <= 20; n++) ref.tell(cmd(String(n), replies.ref));
    ref.tell(cmd('done', replies.ref));
    await replies.expectMessage('done');
    await replies.expectNoMessage();
    // The restarted incarnation went on after the events of the first one, without a sequence conflict.
    // As in Akka, writes the failed incarnation had not sent yet are dropped: the first part is a prefix of 1..100.
    const stored = (await storedEvents(s.journal, lastPid)) as string[];
    const second = [...Array.from({ length: 20 }, (_, i) => String(i + 1)), 'done'];
    expect(stored.slice(-21)).toEqual(second);
    const first = stored.slice(0, -21);
    expect(first).toEqual(Array.from({ length: first.length }, (_, i) => String(i + 1)));
  });

  for (const deferKind of ['defer', 'deferAsync'] as const) {
    const defer = (self: ScriptedActor) => (deferKind === 'defer' ? self.doDefer.bind(self) : self.doDeferAsync.bind(self));

    it(`allow deferring handlers in order to provide ordered processing in respect to persist handlers (${deferKind})`, async () => {
      const script: Script = (self, data, replyTo) => {
        defer(self)('d-1', (e) => replyTo.tell(e));
        self.doPersist(`${data}-2`, (e) => replyTo.tell(e));
        defer(self)('d-3', (e) => replyTo.tell(e));
        defer(self)('d-4', (e) => replyTo.tell(e));
      };
      expect(await run(script, 'a')).toEqual(['d-1', 'a-2', 'd-3', 'd-4']);
    });

    const withAsyncPersist: Script = (self, data, replyTo) => {
      defer(self)(`d-${data}-1`, (e) => replyTo.tell(e));
      self.doPersistAsync(`pa-${data}-2`, (e) => replyTo.tell(e));
      defer(self)(`d-${data}-3`, (e) => replyTo.tell(e));
      defer(self)(`d-${data}-4`, (e) => replyTo.tell(e));
    };

    it(`allow deferring handlers in order to provide ordered processing in respect to asyncPersist handlers (${deferKind})`, async () => {
      expect(await run(withAsyncPersist, 'a')).toEqual(['d-a-1', 'pa-a-2', 'd-a-3', 'd-a-4']);
    });

    it(`invoke deferred handlers, in presence of mixed a long series persist / persistAsync calls (${deferKind})`, async () => {
      const ref = scripted((self, data, replyTo) => {
        self.doPersist(`p-${data}-1`, (e) => replyTo.tell(e));
        self.doPersistAsync(`pa-${data}-2`, (e) => replyTo.tell(e));
        defer(self)(`d-${data}-3`, (e) => replyTo.tell(e));
        defer(self)(`d-${data}-4`, (e) => replyTo.tell(e));
        self.doPersistAsync(`pa-${data}-5`, (e) => replyTo.tell(e));
        defer(self)(`d-${data}-6`, (e) => replyTo.tell(e));
      });
      const [p1, p2] = [probe(), probe()];
      ref.tell(cmd('a', p1.ref));
      ref.tell(cmd('b', p2.ref));
      expect(await p1.receiveMessages(6)).toEqual(['p-a-1', 'pa-a-2', 'd-a-3', 'd-a-4', 'pa-a-5', 'd-a-6']);
      expect(await p2.receiveMessages(6)).toEqual(['p-b-1', 'pa-b-2', 'd-b-3', 'd-b-4', 'pa-b-5', 'd-b-6']);
      await p1.expectNoMessage();
      await p2.expectNoMessage();
    });

    it(`invoke deferred handlers right away, if there are no pending persist handlers registered (${deferKind})`, async () => {
      const script: Script = (self, _data, replyTo) => {
        for (const d of ['d-1', 'd-2', 'd-3']) defer(self)(d, (e) => replyTo.tell(e));
      };
      expect(await run(script, 'a')).toEqual(['d-1', 'd-2', 'd-3']);
    });

    it(`invoke deferred handlers, preserving the original sender references (${deferKind})`, async () => {
      const ref = scripted(withAsyncPersist);
      const [p1, p2] = [probe(), probe()];
      ref.tell(cmd('a', p1.ref));
      ref.tell(cmd('b', p2.ref));
      expect(await p1.receiveMessages(4)).toEqual(['d-a-1', 'pa-a-2', 'd-a-3', 'd-a-4']);
      expect(await p2.receiveMessages(4)).toEqual(['d-b-1', 'pa-b-2', 'd-b-3', 'd-b-4']);
      await p1.expectNoMessage();
    });
  }

  const deferringActor = (deferKind: 'defer' | 'deferAsync'): Script => (self, data, replyTo) => {
    replyTo.tell(data);
    // A pending persist, so the defer cannot run at once.
    self.doPersist('unit', () => {});
    const defer = deferKind === 'defer' ? self.doDefer.bind(self) : self.doDeferAsync.bind(self);
    defer(`${data}-defer`, (e) => replyTo.tell(e));
  };

  it('handle new messages before deferAsync handler is called', async () => {
    expect(await run(deferringActor('deferAsync'), 'x', 'y')).toEqual(['x', 'y', 'x-defer', 'y-defer']);
  });

  it('handle defer sequentially', async () => {
    expect(await run(deferringActor('defer'), 'x', 'y')).toEqual(['x', 'x-defer', 'y', 'y-defer']);
  });

  it('receive RecoveryFinished if it is handled after all events have been replayed', async () => {
    const replies = probe();
    const first = spawn(() => new SnapshottingActor('snap', replies.ref));
    first.tell(cmd('b', replies.ref));
    first.tell({ type: 'snap' });
    first.tell(cmd('c', replies.ref));
    await replies.expectMessage('saved');
    await stop(first);
    const second = spawn(() => new RecoveryFinishedActor('snap', replies.ref));
    expect(await replies.receiveMessages(4)).toEqual(['offered', 'RecoveryCompleted', 'I am the stashed', 'I am the recovered']);
    expect(await getState(second)).toEqual(['b-41', 'b-42', 'c-41', 'c-42', 'RecoveryCompleted']);
  });

  const multipleAndNested =
    (outer: 'persist' | 'persistAsync', inner: 'persist' | 'persistAsync', innerName = 'inner'): Script =>
    (self, data, replyTo) => {
      const doOuter = outer === 'persist' ? self.doPersist.bind(self) : self.doPersistAsync.bind(self);
      const doInner = inner === 'persist' ? self.doPersist.bind(self) : self.doPersistAsync.bind(self);
      const outerName = outer === 'persist' ? 'outer' : 'outer-async';
      replyTo.tell(data);
      for (const n of [1, 2]) {
        doOuter(`${data}-${outerName}-${n}`, (o) => {
          replyTo.tell(o);
          doInner(`${data}-${innerName}-${n}`, (i) => replyTo.tell(i));
        });
      }
    };

  it('allow multiple persists with nested persist calls', async () => {
    expect(await run(multipleAndNested('persist', 'persist'), 'a', 'b')).toEqual([
      'a', 'a-outer-1', 'a-outer-2', 'a-inner-1', 'a-inner-2',
      // and only then "b"
      'b', 'b-outer-1', 'b-outer-2', 'b-inner-1', 'b-inner-2',
    ]);
    expect(await storedEvents(s.journal, lastPid)).toEqual([
      'a-outer-1', 'a-outer-2', 'a-inner-1', 'a-inner-2', 'b-outer-1', 'b-outer-2', 'b-inner-1', 'b-inner-2',
    ]);
  });

  it('allow multiple persists with nested persist calls: a defer in a handler runs after the handlers queued before it', async () => {
    const script: Script = (self, data, replyTo) => {
      replyTo.tell(data);
      self.doPersist(`${data}-outer-1`, (o) => {
        replyTo.tell(o);
        self.doDefer(`${data}-deferred-in-1`, (d) => replyTo.tell(d));
        self.doPersist(`${data}-inner-1`, (i) => replyTo.tell(i));
      });
      self.doPersist(`${data}-outer-2`, (o) => replyTo.tell(o));
    };
    expect(await run(script, 'a', 'b')).toEqual([
      'a', 'a-outer-1', 'a-outer-2', 'a-deferred-in-1', 'a-inner-1',
      'b', 'b-outer-1', 'b-outer-2', 'b-deferred-in-1', 'b-inner-1',
    ]);
  });

  it('allow multiple persistAsyncs with nested persistAsync calls', async () => {
    const got = (await run(multipleAndNested('persistAsync', 'persistAsync'), 'a', 'b')) as string[];
    expect(got).toHaveLength(10);
    expect(got.filter((m) => m.startsWith('a'))).toEqual(['a', 'a-outer-async-1', 'a-outer-async-2', 'a-inner-1', 'a-inner-2']);
    expect(got.filter((m) => m.startsWith('b'))).toEqual(['b', 'b-outer-async-1', 'b-outer-async-2', 'b-inner-1', 'b-inner-2']);
  });

  const deeplyNested = (kind: 'persist' | 'persistAsync', maxDepth: number): Script => {
    const depths = new Map<string, number>();
    return (self, data, replyTo) => {
      const doPersist = kind === 'persist' ? self.doPersist.bind(self) : self.doPersistAsync.bind(self);
      const deeper = (withDepth: string) => {
        const d = withDepth.split('-')[0]!;
        replyTo.tell(withDepth);
        const depth = depths.get(d) ?? 1;
        if (depth < maxDepth) {
          depths.set(d, depth + 1);
          doPersist(`${d}-${depth + 1}`, deeper);
        } else {
          depths.set(d, 1);
        }
      };
      replyTo.tell(data);
      doPersist(`${data}-1`, deeper);
    };
  };

  it('allow deeply nested persist calls', async () => {
    const depth = Array.from({ length: 6 }, (_, i) => i + 1);
    expect(await run(deeplyNested('persist', 6), 'a', 'b')).toEqual([
      'a', ...depth.map((i) => `a-${i}`),
      // and only then "b"
      'b', ...depth.map((i) => `b-${i}`),
    ]);
  });

  it('allow deeply nested persistAsync calls', async () => {
    const depth = Array.from({ length: 6 }, (_, i) => i + 1);
    const got = (await run(deeplyNested('persistAsync', 6), 'a', 'b', 'c')) as string[];
    expect(got).toHaveLength(21);
    for (const prefix of ['a', 'b', 'c']) {
      expect(got.filter((m) => m.startsWith(prefix))).toEqual([prefix, ...depth.map((i) => `${prefix}-${i}`)]);
    }
  });

  it('allow mixed nesting of persistAsync in persist calls', async () => {
    expect(await run(multipleAndNested('persist', 'persistAsync', 'inner-async'), 'a')).toEqual([
      'a', 'a-outer-1', 'a-outer-2', 'a-inner-async-1', 'a-inner-async-2',
    ]);
  });

  it('allow mixed nesting of persist in persistAsync calls', async () => {
    expect(await run(multipleAndNested('persistAsync', 'persist'), 'a')).toEqual([
      'a', 'a-outer-async-1', 'a-outer-async-2', 'a-inner-1', 'a-inner-2',
    ]);
  });

  it('make sure persist retains promised semantics when nested in persistAsync callback', async () => {
    let done = false;
    const replies = probe();
    const ref = scripted((self, data, replyTo) => {
      if (done) return replyTo.tell('done');
      replyTo.tell(data);
      self.doPersistAsync(`${data}-outer-async`, (o) => {
        replyTo.tell(o);
        self.doPersist(`${data}-inner`, (i) => {
          replyTo.tell(i);
          // The next command must be handled by the "done" handler.
          done = true;
        });
      });
    });
    ref.tell(cmd('a', replies.ref));
    expect(await replies.receiveMessages(2)).toEqual(['a', 'a-outer-async']);
    // The inner persist is pending now: "b" waits for its handler.
    ref.tell(cmd('b', replies.ref));
    expect(await replies.receiveMessages(2)).toEqual(['a-inner', 'done']);
  });

  it('be able to delete events', async () => {
    const replies = probe();
    const ref = spawn(() => new Behavior1('b1'), SupervisorStrategy.restart());
    ref.tell(cmd('a', replies.ref));
    ref.tell(cmd('b', replies.ref));
    expect(await getState(ref)).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
    ref.tell({ type: 'delete', toSequenceNr: 2, replyTo: replies.ref });
    await replies.expectMessage({ type: 'DeleteMessagesSuccess', toSequenceNr: 2 });
    ref.tell({ type: 'boom' }); // restart, recover
    expect(await getState(ref)).toEqual(['b-1', 'b-2']);
  });

  it('be able to delete all events', async () => {
    const replies = probe();
    const ref = spawn(() => new Behavior1('b1'), SupervisorStrategy.restart());
    ref.tell(cmd('a', replies.ref));
    ref.tell(cmd('b', replies.ref));
    expect(await getState(ref)).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
    ref.tell({ type: 'delete', toSequenceNr: Infinity, replyTo: replies.ref });
    await replies.expectMessage({ type: 'DeleteMessagesSuccess', toSequenceNr: Infinity });
    ref.tell({ type: 'boom' });
    expect(await getState(ref)).toEqual([]);
  });

  it('not be able to delete higher seqnr than current', async () => {
    const replies = probe();
    const ref = spawn(() => new Behavior1('b1'), SupervisorStrategy.restart());
    ref.tell(cmd('a', replies.ref));
    ref.tell(cmd('b', replies.ref));
    expect(await getState(ref)).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
    ref.tell({ type: 'delete', toSequenceNr: 5, replyTo: replies.ref });
    await replies.expectMessage({
      type: 'DeleteMessagesFailure',
      cause: 'persistenceId "b1": deleteMessages(5) is beyond the last sequence nr 4',
    });
    expect(s.kit.logs.find('deleting events failed', 'warn')).toHaveLength(1);
    ref.tell({ type: 'boom' });
    expect(await getState(ref)).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
  });

  it('be able to persist events that happen during recovery', async () => {
    class PersistInRecovery extends ExampleActor {
      protected override onReplayed(event: unknown): void {
        if (event === 'invalid') this.persist('invalid-recovery', this.updateState);
        else this.updateState(event);
      }
      protected override onRecoveryCompleted(): void {
        this.persistAsync('rc-1', this.updateState);
        this.persist('rc-2', this.updateState);
        this.persistAsync('rc-3', this.updateState);
      }
      protected onCmd(data: string): void {
        this.persist(data, this.updateState);
      }
    }
    // Recovery failures are never restarted by an outer supervisor: the actor stops. (Bounded, so
    // that a regression shows as a failure instead of restarting forever.)
    const ref = spawn(() => new PersistInRecovery('pir'), SupervisorStrategy.restart({ maxRestarts: 3 }));
    expect([['rc-1', 'rc-2'], ['rc-1', 'rc-2', 'rc-3']]).toContainEqual(await getState(ref));
    ref.tell(cmd('invalid', probe().ref));
    expect(await getState(ref)).toEqual(['rc-1', 'rc-2', 'rc-3', 'invalid']);
    ref.tell({ type: 'boom' });
    const failure = await terminated(s.kit, ref);
    expect(failure?.name).toBe('RecoveryFailed');
    expect(failure?.message).toContain('persistAll is not allowed during recovery');
  });

  it('stop actor when direct exception from receiveRecover', async () => {
    class ExceptionActor extends ExampleActor {
      override receiveRecover(): void {
        throw new TestException('boom');
      }
      protected onCmd(): void {}
    }
    const ref = spawn(() => new ExceptionActor('exc'), SupervisorStrategy.restart({ maxRestarts: 3 }));
    const failure = await terminated(s.kit, ref);
    expect(failure?.name).toBe('RecoveryFailed');
    expect(failure?.message).toContain('boom');
  });
});
