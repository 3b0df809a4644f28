import { spawn } from 'node:child_process';
import { PackCheckFailed } from './PackCheckFailed.js';

export interface Command {
  /** What the command is for; failure messages start with it. */
  readonly step: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The command and everything it started are stopped after this long, and the step fails. */
  readonly deadlineMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Lines of output a failure message quotes, from the end. */
const tailLines = 40;
/** Output kept per stream; `npm pack --json` of @engram/core is about a tenth of this. */
const keptChars = 4 * 1024 * 1024;
/** Between SIGTERM and SIGKILL when the deadline passes. */
const killGraceMs = 5_000;

/**
 * Runs one command to completion with a deadline. It gets a process group of its own, so that
 * when the deadline passes the whole tree is stopped (npm runs node-gyp, which runs make, which
 * runs the compiler), not just the command. Rejects with `PackCheckFailed` naming the command,
 * its directory and the end of its output when it exits with another code than 0, is killed by a
 * signal, cannot be started, or runs past the deadline.
 */
export function runCommand(command: Command): Promise<CommandResult> {
  const started = Date.now();
  const shown = [command.command, ...command.args].map(quote).join(' ');
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(command.command, command.args, {
      cwd: command.cwd,
      env: command.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = keep(stdout + chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = keep(stderr + chunk)));

    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, 'SIGTERM');
      killer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), killGraceMs);
    }, command.deadlineMs);

    const fail = (what: string, cause?: unknown): void =>
      reject(new PackCheckFailed(command.step, `\`${shown}\` (in ${command.cwd}) ${what}${outputTail(stdout, stderr)}`, cause));

    child.on('error', (error) => {
      clearTimeout(deadline);
      clearTimeout(killer);
      fail(`could not be started: ${error.message}`, error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(killer);
      const ms = Date.now() - started;
      if (timedOut) fail(`did not finish within ${seconds(command.deadlineMs)} and was stopped`);
      else if (signal !== null) fail(`was killed by ${signal} after ${seconds(ms)}`);
      else if (code !== 0) fail(`exited with code ${code} after ${seconds(ms)}`);
      else resolve({ stdout, stderr, ms });
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function keep(text: string): string {
  return text.length > keptChars ? text.slice(text.length - keptChars) : text;
}

function outputTail(stdout: string, stderr: string): string {
  const parts: string[] = [];
  for (const [label, text] of [['stderr', stderr], ['stdout', stdout]] as const) {
    const lines = text.trimEnd().split('\n');
    if (lines.length === 1 && lines[0] === '') continue;
    const tail = lines.slice(-tailLines);
    const cut = lines.length > tail.length ? ` (last ${tail.length} of ${lines.length} lines)` : '';
    parts.push(`\n--- ${label}${cut}:\n${tail.join('\n')}`);
  }
  return parts.length === 0 ? ' (no output)' : parts.join('');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./^~-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
