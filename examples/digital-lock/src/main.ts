import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ActorSystem, Behaviors } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { loadConfig, type LockConfig } from './config.js';
import { digitalLock, type LockReport } from './digitalLock.js';
import { handleLine } from './lockConsole.js';

// `node dist/main.js`: the digital lock at a console. Type digits, `lock`, `unlock`, `status`,
// `quit`. Answers go to stdout, the log to stderr. Kill it mid-combination and start it again:
// the digits entered are still there.

let config: LockConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  process.stderr.write(`digital-lock: could not start: ${(error as Error).message}\n`);
  process.exit(1);
}

mkdirSync(config.dataDir, { recursive: true });
const path = resolve(join(config.dataDir, 'lock.db'));
const system = ActorSystem.create('digital-lock', {
  persistence: { journal: new SqliteJournal({ path }), snapshotStore: new SqliteSnapshotStore({ path }) },
});
const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const reports = system.spawn(Behaviors.receiveMessage<LockReport>((report) => {
    print(`report: ${report}`);
  }), 'reports');
const lock = system.spawn(digitalLock('front-door', { secret: config.secret, autoLockMs: config.autoLockMs, report: reports }), 'front-door');
system.log.info({ store: path }, 'the lock is ready');

const input = createInterface({ input: process.stdin });
try {
  for await (const line of input) {
    if (line.trim().toLowerCase() === 'quit') break;
    for (const answer of await handleLine(lock, line, 5000)) print(answer);
  }
} catch (error) {
  process.stderr.write(`digital-lock: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  input.close();
  await system.terminate();
}
