import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The app's real entry point in a child `node` process, running the TypeScript sources through a
// module hook (no build needed).
const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const main = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The app as a separate process, with its log (stderr) readable line by line. */
export class AppProcess {
  readonly exited: Promise<Exit>;
  private readonly lines: string[] = [];
  private readonly watchers = new Set<() => void>();
  private exit: Exit | undefined;

  private constructor(private readonly child: ChildProcess) {
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
    const child = spawn(process.execPath, ['--import', loader, main], {
      env: { ...base, PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return new AppProcess(child);
  }

  get log(): string {
    return this.lines.join('\n');
  }

  /** The first log line matching `pattern` (also one logged earlier); rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const line of this.lines) {
          const match = line.match(pattern);
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
