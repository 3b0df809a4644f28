import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceProcess } from './ServiceProcess.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-service-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const path = join(dir, name);
  writeFileSync(path, source);
  return path;
}

// Logs its URL as the example's JSON logger does, answers every request with 404 and stops on SIGTERM.
const server = script(
  'server.mjs',
  `import { createServer } from 'node:http';
   const server = createServer((req, res) => { res.statusCode = 404; res.end('{}'); });
   server.listen(0, '127.0.0.1', () => {
     console.log(JSON.stringify({ level: 30, msg: 'listening on http://127.0.0.1:' + server.address().port, port: process.env.PORT }));
   });
   process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });`,
);

describe('ServiceProcess', () => {
  it('finds the URL in the log, waits until it answers and stops it with SIGTERM', async () => {
    const logFile = join(dir, 'server.log');
    const { service, url } = await ServiceProcess.start({ script: server, env: { PORT: '0' }, logFile, startDeadlineMs: 10_000 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.running).toBe(true);
    expect(service.usage()?.rssBytes).toBeGreaterThan(0);
    const stopped = await service.stop(10_000);
    expect(stopped.graceful).toBe(true);
    expect(service.running).toBe(false);
    expect(readFileSync(logFile, 'utf8')).toContain('"port":"0"');
  });

  it('waits while the service answers 503 (port bound before it is ready)', async () => {
    const slow = script(
      'slow.mjs',
      `import { createServer } from 'node:http';
       const readyAt = Date.now() + 700;
       const server = createServer((req, res) => { res.statusCode = Date.now() < readyAt ? 503 : 404; res.end('{}'); });
       server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
       process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });`,
    );
    const { service, url } = await ServiceProcess.start({ script: slow, env: {}, logFile: join(dir, 'slow.log'), startDeadlineMs: 10_000 });
    const response = await fetch(`${url}/anything`);
    expect(response.status).toBe(404);
    await service.stop(10_000);
  });

  it('fails with the last log lines when the program exits before it listens', async () => {
    const failing = script('failing.mjs', `console.error('bank-account: could not start: DATA_DIR is not writable'); process.exit(1);`);
    await expect(ServiceProcess.start({ script: failing, env: {}, logFile: join(dir, 'failing.log'), startDeadlineMs: 10_000 })).rejects.toThrow(
      /failing\.mjs: exited before it listened \(exit code 1\).*\n.*DATA_DIR is not writable/,
    );
  });

  it('times out, and kills the program, when it never says where it listens', async () => {
    const pidFile = join(dir, 'silent.pid');
    const silent = script(
      'silent.mjs',
      `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); console.log('starting'); setInterval(() => {}, 1000);`,
    );
    await expect(ServiceProcess.start({ script: silent, env: {}, logFile: join(dir, 'silent.log'), startDeadlineMs: 500 })).rejects.toThrow(
      /silent\.mjs did not log "listening on" within 500 ms.*\n.*starting/,
    );
    expect(() => process.kill(Number(readFileSync(pidFile, 'utf8')), 0)).toThrow(/ESRCH/);
  });
});
