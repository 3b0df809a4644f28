import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackCheckFailed } from './PackCheckFailed.js';
import { runCommand } from './runCommand.js';

const dir = mkdtempSync(join(tmpdir(), 'engram-run-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (script: string, deadlineMs = 30_000) =>
  runCommand({ step: 'the step', command: process.execPath, args: ['-e', script], cwd: dir, deadlineMs });

async function failure(run: Promise<unknown>): Promise<PackCheckFailed> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackCheckFailed);
  return error as PackCheckFailed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('runCommand', () => {
  it('returns what the command printed', async () => {
    const result = await node('process.stdout.write("out"); process.stderr.write("err")');
    expect(result.stdout).toBe('out');
    expect(result.stderr).toBe('err');
  });

  it('names the step, the command, its directory, the exit code and the end of both outputs when it fails', async () => {
    const error = await failure(node('for (let i = 1; i <= 100; i++) console.error("line " + i); console.log("partial"); process.exit(3)'));
    expect(error.step).toBe('the step');
    expect(error.message).toContain('pack check, step "the step"');
    expect(error.message).toContain(process.execPath);
    expect(error.message).toContain(`(in ${dir})`);
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('--- stderr (last 40 of 100 lines):');
    expect(error.message).toContain('line 100');
    expect(error.message).not.toContain('line 60\n');
    expect(error.message).toContain('--- stdout:\npartial');
  });

  it('stops the command and what it started when the deadline passes, and says so', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The command starts a long-lived child of its own, as npm starts node-gyp and the compiler.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
      require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
      console.log('started');
      setTimeout(() => {}, 600000);`;
    const error = await failure(node(script, 1_000));
    expect(error.message).toContain('did not finish within 1.0 s and was stopped');
    expect(error.message).toContain('started');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await expect.poll(() => alive(grandchild), { timeout: 10_000 }).toBe(false);
  });

  it('fails with the reason when the command cannot be started', async () => {
    const error = await failure(runCommand({ step: 'start', command: join(dir, 'no-such-program'), args: [], cwd: dir, deadlineMs: 5_000 }));
    expect(error.message).toContain('could not be started');
    expect(error.message).toContain('ENOENT');
  });
});
