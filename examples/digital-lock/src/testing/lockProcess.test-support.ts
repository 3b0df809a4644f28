import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The lock's real entry point in a child `node` process, running the TypeScript sources through the
// repository's module hook (no build needed).
const loader = new URL('../../../../tools/ts-loader/register.mjs', import.meta.url).href;
const main = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The lock console as a process: type lines into it, wait for the lines it prints. */
export class LockProcess {
  readonly exited: Promise<Exit>;
  private readonly out: string[] = [];
  private readonly err: string[] = [];
  private seen = 0;
  private readonly watchers = new Set<() => void>();
  private exit: Exit | undefined;

  private constructor(private readonly child: ChildProcess) {
    const collect = (into: string[]) => {
      let partial = '';
      return (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        into.push(...parts);
        for (const watcher of this.watchers) watcher();
      };
    };
    child.stdout?.setEncoding('utf8').on('data', collect(this.out));
    child.stderr?.setEncoding('utf8').on('data', collect(this.err));
    this.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        this.exit = { code, signal };
        for (const watcher of this.watchers) watcher();
        resolve(this.exit);
      });
    });
  }

  static start(env: Readonly<Record<string, string>>): LockProcess {
    return new LockProcess(spawn(process.execPath, ['--import', loader, main], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  type(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Closes stdin: the console ends as on `quit`. */
  endInput(): void {
    this.child.stdin?.end();
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  get stderr(): string {
    return this.err.join('\n');
  }

  /** The next stdout line not taken yet; rejects when the process exits first or after `timeoutMs`. */
  nextLine(timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no output line within ${timeoutMs} ms; stderr:\n${this.stderr}`)), timeoutMs);
      const check = () => {
        if (this.seen < this.out.length) return done(undefined, this.out[this.seen++]!);
        if (this.exit !== undefined) done(new Error(`the lock exited (${this.exit.signal ?? this.exit.code}) before printing; stderr:\n${this.stderr}`));
      };
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        if (error !== undefined) reject(error);
        else resolve(line!);
      };
      this.watchers.add(check);
      check();
    });
  }
}
