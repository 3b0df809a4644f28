import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { ServiceFailed, ServiceTimedOut } from './errors.js';

/** CPU time and resident memory of the service process, read from /proc (absent elsewhere). */
export interface ProcessUsage {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

export interface StartOptions {
  /** A Node.js program that logs `listening on http://host:port` once it takes requests. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Everything the program writes goes here. */
  readonly logFile: string;
  readonly startDeadlineMs: number;
}

const listeningLine = /listening on (http:\/\/[^\s"',]+)/;
const keptLines = 20;
// /proc/<pid>/stat counts CPU time in USER_HZ ticks, 100 a second on Linux.
const ticksPerSecond = 100;

/** A service under test in a child process: started, found on its port, measured, stopped. */
export class ServiceProcess {
  private readonly lastLines: string[] = [];
  private exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly program: string,
    private readonly log: WriteStream,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  /** Starts the program and resolves with its URL once it logged it and answers an HTTP request. */
  static async start(options: StartOptions): Promise<{ readonly service: ServiceProcess; readonly url: string }> {
    const child = spawn(process.execPath, [options.script, ...(options.args ?? [])], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, basename(options.script), createWriteStream(options.logFile));
    try {
      const url = await service.listening(options.startDeadlineMs);
      await service.answering(url, options.startDeadlineMs);
      return { service, url };
    } catch (error) {
      await service.stop(5_000).catch(() => undefined);
      throw error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Undefined when /proc cannot be read (not Linux, or the process is gone). */
  usage(): ProcessUsage | undefined {
    if (this.child.pid === undefined || this.exit !== undefined) return undefined;
    try {
      // Fields after the command name, which sits in parentheses and may hold spaces.
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return { cpuSeconds: ticks / ticksPerSecond, rssBytes: rss === null ? Number.NaN : Number(rss[1]) * 1024 };
    } catch {
      return undefined;
    }
  }

  /** Throws ServiceFailed when the process has exited (e.g. crashed during a run). */
  assertRunning(): void {
    if (this.exit !== undefined) throw this.failure(`exited during the run (${this.describeExit()})`);
  }

  /** SIGTERM, then SIGKILL once `deadlineMs` has passed; resolves when the process is gone. */
  async stop(deadlineMs: number): Promise<{ readonly graceful: boolean; readonly ms: number }> {
    const startedAt = performance.now();
    if (this.exit === undefined) this.child.kill('SIGTERM');
    const deadline = new AbortController();
    const graceful = await Promise.race([
      this.exited.then(() => true),
      sleep(deadlineMs, false, { signal: deadline.signal }).catch(() => false),
    ]);
    deadline.abort();
    if (!graceful) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
    return { graceful, ms: performance.now() - startedAt };
  }

  private listening(deadlineMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let pending = '';
      let found = false;
      const onData = (chunk: Buffer): void => {
        this.log.write(chunk);
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          this.lastLines.push(line);
          if (this.lastLines.length > keptLines) this.lastLines.shift();
          const match = found ? null : listeningLine.exec(line);
          if (match?.[1] !== undefined) {
            found = true;
            clearTimeout(timer);
            resolve(match[1]);
          }
        }
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', onData);
      const timer = setTimeout(() => reject(new ServiceTimedOut(this.program, 'log "listening on"', deadlineMs, this.lastLines)), deadlineMs);
      this.child.once('error', (error) => {
        clearTimeout(timer);
        reject(this.failure('could not be started', error));
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        if (!found) reject(this.failure(`exited before it listened (${this.describeExit()})`));
      });
    });
  }

  // The probe path is unknown to the service, so a 404 means it routes requests; a service that binds
  // its port before it is ready answers 503 until then.
  private async answering(url: string, deadlineMs: number): Promise<void> {
    const deadline = performance.now() + deadlineMs;
    for (;;) {
      this.assertRunning();
      try {
        const response = await request(`${url}/bench-readiness-probe`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
        await response.body.dump();
        if (response.statusCode !== 503) return;
      } catch {
        // not accepting connections yet
      }
      if (performance.now() > deadline) throw new ServiceTimedOut(this.program, `answer an HTTP request at ${url} with another status than 503`, deadlineMs, this.lastLines);
      await sleep(100);
    }
  }

  private describeExit(): string {
    if (this.exit === undefined) return 'still running';
    return this.exit.signal !== null ? `signal ${this.exit.signal}` : `exit code ${this.exit.code}`;
  }

  private failure(problem: string, cause?: unknown): ServiceFailed {
    return new ServiceFailed(this.program, problem, [...this.lastLines], cause);
  }
}
