import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../actor/ActorSystem.js';
import { Behaviors } from '../actor/Behaviors.js';
import { ConsoleLogger, type ConsoleLoggerOptions } from '../actor/Logger.js';
import { MemoryJournal } from '../memory/MemoryJournal.js';
import { MemorySnapshotStore } from '../memory/MemorySnapshotStore.js';
import { FaultInjectingJournal } from '../testkit/FaultInjectingJournal.js';
import { ManualScheduler } from '../testkit/ManualScheduler.js';
import { account, type AccountReply } from './fixtures/account.test-support.js';

// What the persistence engine's failures look like through the default console logger: one line
// each, with the cause chain, and no stack unless the level is debug.

let system: ActorSystem | undefined;
afterEach(async () => {
  await system?.terminate();
  system = undefined;
});

async function failingWrites(options: ConsoleLoggerOptions): Promise<string[]> {
  const lines: string[] = [];
  const journal = new FaultInjectingJournal(new MemoryJournal());
  journal.failWrite({ nth: 1 });
  system = ActorSystem.create('bank', {
    logger: new ConsoleLogger({ ...options, write: (line) => lines.push(line) }),
    scheduler: new ManualScheduler(),
    persistence: { journal, snapshotStore: new MemorySnapshotStore() },
  });
  const ref = system.spawn(account('f'), 'acc');
  ref.tell({ type: 'deposit', amount: 5, replyTo: system.spawn<AccountReply>(Behaviors.ignore) });
  await system.whenIdle();
  return lines;
}

describe('persistence failures in the console log', () => {
  it('a journal failure is one error line naming the actor and the whole cause chain, at info level', async () => {
    const lines = await failingWrites({});
    const errors = lines.filter((l) => l.includes(' ERROR '));
    expect(errors.length).toBeGreaterThan(0);
    for (const line of errors) expect(line).not.toContain('\n');
    expect(errors.join('\n')).toMatch(
      /ERROR \[engram:\/\/bank\/user\/acc\] .*err=JournalFailure: journal failed to persist event Deposited \(sequence nr 1\) of persistenceId "Account\|f"; the actor stops: injected fault failWrite .*; nothing of the call was stored <- caused by: InjectedFault$/m,
    );
  });

  it('as JSON, the same failure is one parseable object with err.type and err.cause.type, and no stack', async () => {
    const lines = await failingWrites({ format: 'json' });
    const entries = lines.map((l) => JSON.parse(l) as { level: number; actor?: string; err?: { type: string; stack?: string; cause?: { type: string } } });
    const failure = entries.find((e) => e.err?.type === 'JournalFailure');
    expect(failure).toMatchObject({ level: 50, actor: 'engram://bank/user/acc', err: { cause: { type: 'InjectedFault' } } });
    expect(failure?.err?.stack).toBeUndefined();
  });

  it('at debug level the stacks are printed', async () => {
    const lines = await failingWrites({ level: 'debug' });
    expect(lines.find((l) => l.includes('err=JournalFailure'))).toMatch(/\n {4}JournalFailure: [^\n]*\n {8}at /);
  });
});
