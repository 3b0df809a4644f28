import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActorSystem, ask, ConsoleLogger, type LogLevel } from '@engram/core';
import { SqliteJournal, SqliteSnapshotStore } from '@engram/sqlite';
import { account } from '../../supervision/account.js';

// node dist/service.js [file]: each HTTP request deposits 1 and is answered with the balance. JSON logs on stderr;
// SIGTERM or Ctrl-C stops it gracefully, a second one at once.
const path = process.argv[2] ?? './data/engram.db';
const logger = new ConsoleLogger({ level: (process.env['LOG_LEVEL'] ?? 'info') as LogLevel, format: 'json' }); // or pino(...)
const system = ActorSystem.create('bank', {
  logger,
  persistence: {
    journal: new SqliteJournal({ path, synchronous: 'full' }), // acknowledged writes survive a power loss
    snapshotStore: new SqliteSnapshotStore({ path }),
    recoveryTimeoutMs: 30_000,
    terminateTimeoutMs: 10_000,
  },
});
const alice = system.spawn(account('alice'), 'alice'); // restarts with backoff after a storage failure

const server = createServer((request, response) => {
  ask(alice, (replyTo) => ({ type: 'deposit', amount: 1, replyTo }), { timeoutMs: 5_000 }).then(
    (balance) => response.end(`${balance}\n`),
    (error: Error) => {
      logger.warn({ err: error }, 'deposit failed');
      response.statusCode = 503; // the deposit may or may not have been stored: the client retries
      response.end(`${error.name}\n`);
    },
  );
});
server.listen(Number(process.env['PORT'] ?? 3000), '127.0.0.1', () => {
  logger.info({ port: (server.address() as AddressInfo).port }, 'listening');
});

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  if (stopping) process.exit(130);
  stopping = true;
  logger.info({ signal }, 'stopping');
  server.close(); // no new requests; those in flight are answered
  system.terminate().then(
    () => logger.info('stopped'), // writes flushed, actors stopped, the file closed: the process ends
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    },
  );
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
