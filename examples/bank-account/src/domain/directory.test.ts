import { SupervisorStrategy } from '@engram/core';
import { EventSourcedBehaviorTestKit } from '@engram/core/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryBehavior, type AccountEntry, type DirectoryCommand, type DirectoryEvent, type DirectoryState, type OpenResult } from './directory.js';

let kit: EventSourcedBehaviorTestKit<DirectoryCommand, DirectoryEvent, DirectoryState> | undefined;
afterEach(async () => {
  await kit?.shutdown();
  kit = undefined;
});

describe('account directory', () => {
  it('opens each id once, lists accounts in opening order, and remembers them across restarts', async () => {
    const k = await EventSourcedBehaviorTestKit.create<DirectoryCommand, DirectoryEvent, DirectoryState>(
      directoryBehavior({ onPersistFailure: SupervisorStrategy.stop() }),
    );
    kit = k;
    const now = k.testKit.clock.now();
    const opened = await k.runCommand<OpenResult>((replyTo) => ({ type: 'OpenAccount', id: 'zed', owner: 'Zed', replyTo }));
    expect(opened.events).toEqual([{ type: 'AccountOpened', id: 'zed', owner: 'Zed', at: now }]);
    expect(opened.reply).toEqual({ ok: true, entry: { id: 'zed', owner: 'Zed', openedAt: now } });
    // "constructor" is an own key like any other, never Object.prototype's member
    await k.runCommand<OpenResult>((replyTo) => ({ type: 'OpenAccount', id: 'constructor', owner: null, replyTo }));

    const again = await k.runCommand<OpenResult>((replyTo) => ({ type: 'OpenAccount', id: 'zed', owner: 'Other', replyTo }));
    expect(again.hasNoEvents).toBe(true);
    expect(again.reply).toEqual({ ok: false, reason: 'exists', entry: { id: 'zed', owner: 'Zed', openedAt: now } });

    await k.restart();
    const listed = await k.runCommand<readonly AccountEntry[]>((replyTo) => ({ type: 'ListAccounts', replyTo }));
    expect(listed.reply?.map((e) => e.id)).toEqual(['zed', 'constructor']);
  });
});
