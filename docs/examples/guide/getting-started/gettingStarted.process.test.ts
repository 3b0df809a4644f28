import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const loader = new URL('tools/ts-loader/register.mjs', `file://${root}`).href;
const dir = mkdtempSync(join(tmpdir(), 'engram-guide-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs main.ts in its own `node` process, as `node dist/main.js <file>` would. */
function runMain(path: string): Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }> {
  const child = spawn(process.execPath, ['--import', loader, fileURLToPath(new URL('./main.ts', import.meta.url)), path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not exit within 30 s; stderr: ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('getting started (docs/guide/01-getting-started.md) runs as written', () => {
  it('main.ts: each run of the process finds the count the last one stored', async () => {
    const path = join(dir, 'data', 'counters.db'); // the folder does not exist yet
    const first = await runMain(path);
    expect(first, first.stderr).toMatchObject({ code: 0, stdout: 'visits: 0 -> 1\n' });
    const second = await runMain(path);
    expect(second, second.stderr).toMatchObject({ code: 0, stdout: 'visits: 1 -> 2\n' });
    const third = await runMain(path);
    expect(third.stdout).toBe('visits: 2 -> 3\n');
  });

  it('the tsconfig settings the guide asks for are the ones its examples compile with', () => {
    const guide = readFileSync(join(root, 'docs/guide/01-getting-started.md'), 'utf8');
    const shown = /```json\n(\{\n  "compilerOptions"[\s\S]*?)```/.exec(guide)?.[1];
    expect(shown, 'the guide shows a tsconfig.json').toBeDefined();
    const asked = (JSON.parse(shown!) as { compilerOptions: Record<string, unknown> }).compilerOptions;
    const used = (JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: Record<string, unknown> })
      .compilerOptions;
    for (const [option, value] of Object.entries(asked)) expect([option, used[option]]).toEqual([option, value]);
  });

  it('the packages are ES modules only, for Node.js 20.19 or newer', () => {
    for (const name of ['core', 'sqlite', 'postgres']) {
      const manifest = JSON.parse(readFileSync(join(root, `packages/${name}/package.json`), 'utf8')) as {
        type: string;
        engines: { node: string };
        exports: Record<string, unknown>;
      };
      expect([name, manifest.type, manifest.engines.node]).toEqual([name, 'module', '>=20.19']);
      // No "require" condition: a CommonJS `require('@engram/core')` finds nothing to load.
      expect(JSON.stringify(manifest.exports)).not.toContain('require');
    }
  });
});
