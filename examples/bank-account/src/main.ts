import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startApp, type App } from './app.js';
import { loadConfig, type AppConfig } from './config.js';
import { createLogger } from './logging/index.js';

// `node dist/main.js`: the bank-account service, configured by environment variables (see config.ts).
// Every line on stderr is one JSON object (pino); a failure is one line with its cause chain.

let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  createLogger({ level: 'info' }).error({ err: error }, 'could not start: invalid configuration');
  process.exit(1);
}
const log = createLogger({ level: config.logLevel });
const { pidFile } = config;

process.on('uncaughtException', (error) => {
  log.error({ err: error }, 'uncaught exception; exiting');
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  log.error({ err: reason }, 'unhandled promise rejection; exiting');
  process.exit(1);
});

// `npm start` runs the service under npm; the pid file names this process, the one to signal.
try {
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
} catch (error) {
  log.error({ err: error, pidFile }, 'could not start: the pid file cannot be written (set PID_FILE)');
  process.exit(1);
}
const removePidFile = (): void => rmSync(pidFile, { force: true });

let app: App;
try {
  app = await startApp({ config, logger: log });
} catch (error) {
  log.error({ err: error }, 'could not start');
  removePidFile();
  process.exit(1);
}
log.info({ pidFile }, `ready; stop with Ctrl-C or kill ${process.pid} (pid also in ${pidFile})`);

let signals = 0;
const shutDown = (signal: NodeJS.Signals): void => {
  signals++;
  if (signals > 1) {
    log.warn({ signal }, `${signal} again, exiting without waiting for the shutdown`);
    process.exit(130);
  }
  log.info({ signal }, 'shutting down');
  app.stop().then(
    () => {
      removePidFile();
      process.exit(0);
    },
    (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      removePidFile();
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);
