import { describe, expect, it } from 'vitest';
import { consumerEnv, defaultDeadlines, expectedCounterOutput, runPackCheck } from './packCheck.js';
import { PackCheckFailed } from './PackCheckFailed.js';
import { runCommand } from './runCommand.js';

// The check installs from the npm registry (typescript, vitest, the drivers; the tarballs' own
// dependencies). Without it the test skips with the reason, unless CI=true.
const ping = { step: 'npm ping', command: 'npm', args: ['ping'], cwd: process.cwd(), deadlineMs: 30_000, env: consumerEnv() };
const registryProblem = await runCommand(ping).then(
  () => undefined,
  (error: unknown) => (error instanceof PackCheckFailed ? error.message : String(error)),
);
if (registryProblem !== undefined) {
  if (process.env['CI'] === 'true') throw new Error(`CI=true, so the pack check must run, but the npm registry is unreachable: ${registryProblem}`);
  console.warn(`[pack-check] skipping: the npm registry is unreachable (set CI=true to make this fail): ${registryProblem}`);
}

// Every step has its own deadline; the test's is their sum (two compilers, four programs) and a minute.
const { build, pack, install, typecheck, program, tck } = defaultDeadlines;
const timeoutMs = build + 2 * pack + install + 2 * typecheck + 4 * program + tck + 60_000;

describe.skipIf(registryProblem !== undefined)('the published packages, from a project outside the repository', () => {
  it(
    'install from their tarballs with a plain npm install; the README programs compile with tsc --strict (no skipLibCheck) and run',
    async () => {
      const report = await runPackCheck({ log: (line) => console.log(`[pack-check] ${line}`) });

      expect(report.tarballs.map((t) => t.name)).toEqual(['@engram/core', '@engram/sqlite', '@engram/postgres', '@engram/tck']);
      for (const tarball of report.tarballs) {
        expect(tarball.files.filter((f) => /\.test\.|\.test-support\.|tsbuildinfo/.test(f))).toEqual([]);
        expect(tarball.files).toContain('README.md');
      }
      // The sqlite README's counter, run twice: the second run recovered the first one's event.
      expect(report.counterRuns.map((output) => output.trim())).toEqual(expectedCounterOutput);
      expect(report.memoryCounter.trim()).toBe('count: 1');
      expect(report.entries).toContain('driver types: true');
      expect(report.entries).toContain('sqlite offset store: 1 row written, offset sqlite:1');
      expect(report.tck.failed).toBe(0);
      expect(report.tck.passed).toBeGreaterThan(50);
      expect(report.typescript.length).toBeGreaterThan(0);

      console.log(
        `[pack-check] npm ${report.npmVersion}, TypeScript ${report.typescript.join(' and ')}; ${(report.totalMs / 1000).toFixed(1)} s: ` +
          report.steps.map((s) => `${s.step} ${(s.ms / 1000).toFixed(1)} s`).join(', '),
      );
    },
    timeoutMs,
  );
});
