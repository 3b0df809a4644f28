import { ActorSystem, Behaviors, ConsoleLogger, MemoryJournal } from '@engram/core';
import { ActorTestKit, LogCapture, ManualScheduler } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { counter } from '../getting-started/counter.js';
import { HeldJournal } from './HeldJournal.js';
import { reminder } from './reminder.js';

let kit: ActorTestKit;
afterEach(() => kit.shutdown()); // terminates the system: stops the actors, closes the stores

describe('ActorTestKit: an actor system on a manual clock', () => {
  it('spawn, createTestProbe, and a clock that moves only with advance', async () => {
    kit = ActorTestKit.create(); // in-memory stores unless config.persistence says otherwise
    const ref = kit.spawn(reminder(), 'reminder');
    const probe = kit.createTestProbe<string>();
    ref.tell({ type: 'remind', text: 'stand up', inMs: 30 * 60_000, replyTo: probe.ref });

    await kit.advance(29 * 60_000);
    await probe.expectNoMessage(); // waits until the system is idle, not for a time
    await kit.advance(60_000);
    await probe.expectMessage('stand up');
    expect(kit.clock.now() - Date.UTC(2026, 0, 1)).toBe(30 * 60_000); // the clock starts on 2026-01-01
  });

  it('settle waits until every actor is idle and no store call is in flight', async () => {
    const journal = new MemoryJournal();
    kit = ActorTestKit.create({ name: 'counters', config: { persistence: { journal } } });
    const visits = kit.spawn(counter('visits'));
    const replies = kit.createTestProbe<number>();
    for (let i = 0; i < 3; i++) visits.tell({ type: 'increment', by: 1, replyTo: replies.ref });
    await kit.settle();
    expect(replies.messages).toEqual([1, 2, 3]);
    expect(await journal.readHighestSequenceNr('Counter|visits', 0)).toBe(3);
    expect(kit.system.name).toBe('counters');
  });

  it('logs holds every log line; deadLetters every message no actor received', async () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(
      Behaviors.receiveMessage<string>((text) => (text === 'stop' ? Behaviors.stopped : Behaviors.same)),
      'once',
    );
    ref.tell('stop');
    await kit.createTestProbe().expectTerminated(ref);
    ref.tell('anyone there?');
    await kit.settle();
    expect(kit.deadLetters).toEqual([{ message: 'anyone there?', recipient: 'engram://test/user/once', reason: 'recipient stopped' }]);
    expect(kit.logs.find('dead letter', 'info')).toHaveLength(1);
  });

  it('heldWork: store calls the test holds on purpose do not count as pending work', async () => {
    const journal = new HeldJournal(new MemoryJournal());
    kit = ActorTestKit.create({ config: { persistence: { journal } }, heldWork: () => journal.held });
    const visits = kit.spawn(counter('visits'));
    const replies = kit.createTestProbe<number>();
    visits.tell({ type: 'increment', by: 1, replyTo: replies.ref });
    await replies.expectNoMessage(); // the write is held: no reply before the event is stored
    journal.release();
    await replies.expectMessage(1);
  });
});

describe('TestProbe: an actor that records what it receives', () => {
  it('receiveMessage, receiveMessages, expectMessage, messages, ref', async () => {
    kit = ActorTestKit.create();
    const visits = kit.spawn(counter('visits'));
    const probe = kit.createTestProbe<number>('replies');
    for (let i = 0; i < 4; i++) visits.tell({ type: 'increment', by: 10, replyTo: probe.ref });
    expect(await probe.receiveMessage()).toBe(10);
    expect(await probe.receiveMessages(2)).toEqual([20, 30]);
    await probe.expectMessage(40);
    expect(probe.messages).toEqual([10, 20, 30, 40]); // also those already taken
    expect(probe.ref.path).toBe('engram://test/user/replies');
  });

  it('an expectation fails at once when the system is idle and nothing came', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<number>('replies');
    await expect(probe.receiveMessage()).rejects.toThrow(
      'engram://test/user/replies expected a message, but the system is idle and nothing arrived',
    );
    kit.spawn(counter('visits')).tell({ type: 'increment', by: 1, replyTo: probe.ref });
    await expect(probe.expectNoMessage()).rejects.toThrow('expected no message, got 1');
  });

  it('expectTerminated watches an actor and returns its Terminated signal', async () => {
    kit = ActorTestKit.create();
    const failing = kit.spawn(
      Behaviors.receiveMessage<string>(() => {
        throw new Error('boom');
      }),
    );
    failing.tell('go');
    const terminated = await kit.createTestProbe().expectTerminated(failing);
    expect(terminated.failure?.message).toBe('boom');
  });
});

describe('ManualScheduler and LogCapture on their own', () => {
  it('ManualScheduler: schedule, pendingTasks, nextDueInMs, advance, now', async () => {
    const clock = new ManualScheduler(Date.UTC(2030, 0, 1));
    const ran: string[] = [];
    clock.schedule(1000, () => ran.push(`a at ${clock.now() - Date.UTC(2030, 0, 1)}`));
    const b = clock.schedule(500, () => ran.push('b'));
    clock.schedule(2000, () => ran.push('c'));
    expect([clock.pendingTasks, clock.nextDueInMs]).toEqual([3, 500]);
    expect(b.cancel()).toBe(true);
    await clock.advance(1500);
    expect(ran).toEqual(['a at 1000']);
    expect([clock.pendingTasks, clock.nextDueInMs]).toEqual([1, 500]);
  });

  it('ManualScheduler as the clock of an ActorSystem; setSettle says when actors are done after each task', async () => {
    const clock = new ManualScheduler();
    const system = ActorSystem.create('clocked', { scheduler: clock, logLevel: 'error' });
    clock.setSettle(() => system.whenIdle());
    const heard: string[] = [];
    const listener = system.spawn(Behaviors.receiveMessage<string>((text) => void heard.push(text)));
    system.spawn(reminder()).tell({ type: 'remind', text: 'tea', inMs: 180_000, replyTo: listener });
    await system.whenIdle();
    await clock.advance(180_000);
    expect(heard).toEqual(['tea']);
    await system.terminate();
  });

  it('LogCapture: a Logger that records; find, entries, child, clear', () => {
    const printed: string[] = [];
    const logs = new LogCapture([], {}, new ConsoleLogger({ level: 'warn', write: (line) => printed.push(line) })); // echo: also print
    const actorLog = logs.child({ actor: 'engram://shop/user/cart' });
    actorLog.info({ items: 2 }, 'checked out');
    actorLog.warn('slow payment');
    expect(logs.find('checked out')).toEqual([
      { level: 'info', message: 'checked out', fields: { actor: 'engram://shop/user/cart', items: 2 } },
    ]);
    expect(logs.find('payment', 'warn')).toHaveLength(1);
    expect(logs.entries).toHaveLength(2);
    expect(printed).toHaveLength(1); // the echo's own level: warn
    logs.clear();
    expect(logs.entries).toEqual([]);
  });
});
