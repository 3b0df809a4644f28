import { afterEach, describe, expect, it } from 'vitest';
import { ActorTestKit } from '../testkit/ActorTestKit.js';
import { ActorSystem } from './ActorSystem.js';
import { Behaviors } from './Behaviors.js';
import { ActorSystemTerminated, InvalidActorName, InvalidMessage } from './errors.js';
import type { ActorRef } from './ActorRef.js';

let kit: ActorTestKit;
afterEach(() => kit?.shutdown());

describe('ActorSystem', () => {
  it('spawns actors at paths under /user, children under their parent', async () => {
    kit = ActorTestKit.create({ name: 'bank' });
    const probe = kit.createTestProbe<string>();
    const parent = kit.spawn(
      Behaviors.setup<string>((ctx) => {
        const child = ctx.spawn(Behaviors.ignore, 'child');
        probe.ref.tell(child.path);
        return Behaviors.receiveMessage(() => probe.ref.tell(ctx.self.path));
      }),
      'parent',
    );
    expect(parent.path).toBe('engram://bank/user/parent');
    await probe.expectMessage('engram://bank/user/parent/child');
    parent.tell('who');
    await probe.expectMessage('engram://bank/user/parent');
  });

  it('refuses a name taken by a live sibling, and names that are empty, contain / or start with $', () => {
    kit = ActorTestKit.create();
    kit.spawn(Behaviors.ignore, 'a');
    expect(() => kit.spawn(Behaviors.ignore, 'a')).toThrow(InvalidActorName);
    expect(() => kit.spawn(Behaviors.ignore, 'a')).toThrow(/"a" under engram:\/\/test\/user: the name is taken/);
    expect(() => kit.spawn(Behaviors.ignore, '')).toThrow(InvalidActorName);
    expect(() => kit.spawn(Behaviors.ignore, 'x/y')).toThrow(/cannot contain '\/'/);
    expect(() => kit.spawn(Behaviors.ignore, '$x')).toThrow(/reserved/);
  });

  it('frees a name once its actor has stopped', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const first = kit.spawn(Behaviors.receiveMessage<string>(() => Behaviors.stopped), 'reused');
    first.tell('stop');
    await probe.expectTerminated(first);
    const second = kit.spawn(Behaviors.receiveMessage<string>((m) => probe.ref.tell(m)), 'reused');
    second.tell('hello');
    await probe.expectMessage('hello');
  });

  it('generates distinct names for anonymous actors', () => {
    kit = ActorTestKit.create();
    const a = kit.spawn(Behaviors.ignore);
    const b = kit.spawn(Behaviors.ignore);
    expect(a.path).not.toBe(b.path);
    expect(a.path).toMatch(/^engram:\/\/test\/user\/\$/);
  });

  it('validates the system name', () => {
    expect(() => ActorSystem.create('has space')).toThrow(/actor system name must be/);
    expect(() => ActorSystem.create('')).toThrow(/actor system name must be/);
  });

  it('terminate() stops children before parents, resolves when all stopped, and is harmless twice', async () => {
    kit = ActorTestKit.create();
    const order: string[] = [];
    const node = (name: string, children: readonly string[]) =>
      Behaviors.setup<never>((ctx) => {
        for (const child of children) ctx.spawn(node(child, []), child);
        return Behaviors.receiveSignal((_ctx, signal) => {
          if (signal.type === 'PostStop') order.push(name);
        });
      });
    kit.spawn(
      Behaviors.setup<never>((ctx) => {
        ctx.spawn(node('mid', ['leaf1', 'leaf2']), 'mid');
        return Behaviors.receiveSignal((_ctx, signal) => {
          if (signal.type === 'PostStop') order.push('top');
        });
      }),
      'top',
    );
    await kit.settle();
    const first = kit.system.terminate();
    const second = kit.system.terminate();
    expect(second).toBe(first);
    await first;
    expect(order.slice(0, 2).sort()).toEqual(['leaf1', 'leaf2']);
    expect(order.slice(2)).toEqual(['mid', 'top']);
    await kit.system.whenTerminated;
    expect(() => kit.spawn(Behaviors.ignore)).toThrow(ActorSystemTerminated);
  });

  it('runs termination hooks after every actor stopped, in reverse order', async () => {
    kit = ActorTestKit.create();
    const events: string[] = [];
    kit.spawn(Behaviors.receiveSignal<never>((_c, s) => void events.push(s.type)), 'a');
    kit.system.registerOnTermination('first', () => void events.push('hook first'));
    kit.system.registerOnTermination('second', async () => void events.push('hook second'));
    kit.system.registerOnTermination('failing', () => {
      throw new Error('boom');
    });
    await kit.settle();
    await kit.system.terminate();
    expect(events).toEqual(['PostStop', 'hook second', 'hook first']);
    expect(kit.logs.find('termination hook failed', 'error')).toHaveLength(1);
  });

  it('serializes a ref to its path and resolves the path back to the live actor', async () => {
    kit = ActorTestKit.create();
    const probe = kit.createTestProbe<string>();
    const echo = kit.spawn(Behaviors.receiveMessage<{ text: string; replyTo: ActorRef<string> }>((m) => m.replyTo.tell(m.text)), 'echo');
    const wire = JSON.stringify({ text: 'hi', replyTo: probe.ref });
    expect(wire).toBe(`{"text":"hi","replyTo":"${probe.ref.path}"}`);
    const parsed = JSON.parse(wire) as { text: string; replyTo: string };
    echo.tell({ text: parsed.text, replyTo: kit.system.refResolver.resolveActorRef<string>(parsed.replyTo) });
    await probe.expectMessage('hi');
    expect(kit.system.refResolver.toSerializationFormat(echo)).toBe('engram://test/user/echo');
    expect(Object.keys(echo)).toEqual(['path']);
  });

  it('refuses null and undefined messages with a clear error', () => {
    kit = ActorTestKit.create();
    const ref = kit.spawn(Behaviors.ignore as never, 'x') as ActorRef<unknown>;
    expect(() => ref.tell(undefined)).toThrow(InvalidMessage);
    expect(() => ref.tell(null)).toThrow(/cannot send null or undefined to engram:\/\/test\/user\/x/);
  });
});
