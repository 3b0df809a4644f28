import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleLogger } from '@engram/core';
import { LogCapture } from '@engram/core/testkit';
import { startApp, type App, type AppOptions } from '../app.js';
import { loadConfig } from '../config.js';
import { request, type Reply } from './http.test-support.js';

/** A fresh data directory under the OS temp dir. */
export function tempDataDir(): { readonly dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'engram-bank-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestApp {
  readonly app: App;
  readonly logs: LogCapture;
  call(method: string, path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<Reply>;
}

/**
 * The app in this process on a free port, with its log captured (echoed to stderr when
 * ENGRAM_TEST_ECHO_LOGS is set). `env` is what the process would get as environment variables.
 */
export async function startTestApp(env: Readonly<Record<string, string>>, options: Partial<AppOptions> = {}): Promise<TestApp> {
  const echo = process.env['ENGRAM_TEST_ECHO_LOGS'] === undefined ? undefined : new ConsoleLogger();
  const logs = new LogCapture([], {}, echo);
  const app = await startApp({ config: loadConfig({ PORT: '0', ...env }), logger: logs, ...options });
  return { app, logs, call: (method, path, body, headers) => request(app.url, method, path, body, headers) };
}
