import { loadConfig } from './config.js';
import { startApp, type App } from './app.js';

// `node dist/main.js`: the bank-account service, configured by environment variables (see config.ts).

function describe(error: unknown): string {
  let text = error instanceof Error ? error.message : String(error);
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (!text.includes(message)) text += `\n  caused by: ${message}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return text;
}

let app: App;
try {
  app = await startApp({ config: loadConfig(process.env) });
} catch (error) {
  process.stderr.write(`bank-account: could not start: ${describe(error)}\n`);
  process.exit(1);
}

let signals = 0;
const shutDown = (signal: NodeJS.Signals): void => {
  signals++;
  if (signals > 1) {
    process.stderr.write(`bank-account: ${signal} again, exiting without waiting for the shutdown\n`);
    process.exit(130);
  }
  app.system.log.info({ signal }, 'shutting down');
  app.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bank-account: shutdown failed: ${describe(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', shutDown);
process.on('SIGTERM', shutDown);
