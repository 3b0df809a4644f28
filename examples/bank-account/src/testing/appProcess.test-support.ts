import { mkdtempSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The app's real entry point in a child `node` process, running the TypeScript sources through a
// module hook (no build needed).
const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const main = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One line of the app's log: a JSON object (pino), or `{ raw }` for a line that is not one. */
export type LogLine = Readonly<Record<string, any>>;

/** The app as a separate process, with its log (stderr, JSON lines) readable line by line. */
export class AppProcess {
  readonly exited: Promise<Exit>;
  /** Every line of stderr, as written. */
  readonly lines: string[] = [];
  private readonly watchers = new Set<() => void>();
  private exit: Exit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    /** Where the process writes its pid (in a temporary folder unless `PID_FILE` was given). */
    readonly pidFile: string,
    cleanup: () => void,
  ) {
    let partial = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.notify();
    });
    this.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (partial !== '') this.lines.push(partial);
        this.exit = { code, signal };
        cleanup();
        this.notify();
        resolve(this.exit);
      });
    });
  }

  /**
   * Starts `node src/main.ts` with `env` over the test's environment, minus the variables that
   * would switch the app to PostgreSQL unless `env` sets them.
   */
  static start(env: Readonly<Record<string, string>>): AppProcess {
    const base = { ...process.env };
    delete base['ENGRAM_POSTGRES_URL'];
    delete base['ENGRAM_POSTGRES_SCHEMA'];
    delete base['LOG_LEVEL'];
    const scratch = mkdtempSync(join(tmpdir(), 'engram-bank-pid-'));
    const pidFile = env['PID_FILE'] ?? join(scratch, 'bank-account.pid');
    const child = spawn(process.execPath, ['--import', loader, main], {
      env: { ...base, PORT: '0', PID_FILE: pidFile, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new AppProcess(child, pidFile, () => rmSync(scratch, { recursive: true, force: true }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get log(): string {
    return this.lines.join('\n');
  }

  /** The lines parsed. */
  get entries(): readonly LogLine[] {
    return this.lines.map(parseLine);
  }

  /** The URL of the first `listening on` line: the app takes requests. */
  async listening(): Promise<string> {
    const [, url] = await this.waitForLine(/^listening on (http:\/\/\S+)$/);
    return url!;
  }

  /** The first log line whose message matches `pattern` (also one logged earlier); rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const line of this.lines) {
          const match = String(parseLine(line)['msg'] ?? line).match(pattern);
          if (match !== null) {
            resolve(match);
            return true;
          }
        }
        if (this.exit !== undefined) {
          reject(new Error(`the app exited (${this.exit.signal ?? this.exit.code}) without logging ${pattern}; its log:\n${this.log}`));
          return true;
        }
        return false;
      };
      if (check()) return;
      const watcher = (): void => {
        if (check()) this.watchers.delete(watcher);
      };
      this.watchers.add(watcher);
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

function parseLine(line: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null) return parsed as LogLine;
  } catch {
    // not JSON: kept as it is
  }
  return { raw: line };
}
