// `node --import ./tools/ts-loader/register.mjs tools/pack-check/packCheck.ts` (or `npm run pack-check`):
// builds, packs every published package, installs the tarballs into a new project outside the
// repository with a plain lockfile-free `npm install`, type-checks the README snippets there with
// `tsc --strict` (no skipLibCheck) and runs them. Exits 1 with the failing step's reason.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { programs, writeConsumerProject } from './consumerProject.js';
import { PackCheckFailed } from './PackCheckFailed.js';
import { runCommand, seconds, type Command, type CommandResult } from './runCommand.js';
import { checkTarballs, packageDirs, packPackages, type PackedPackage } from './tarballs.js';

export interface Deadlines {
  readonly build: number;
  readonly pack: number;
  /** Includes compiling better-sqlite3 when no prebuilt binary can be downloaded. */
  readonly install: number;
  readonly typecheck: number;
  readonly program: number;
  readonly tck: number;
}

export const defaultDeadlines: Deadlines = {
  build: 5 * 60_000,
  pack: 2 * 60_000,
  install: 10 * 60_000,
  typecheck: 3 * 60_000,
  program: 60_000,
  tck: 5 * 60_000,
};

export interface PackCheckOptions {
  /** The repository root; default: the one this file is in. */
  readonly root?: string;
  /** Where the tarballs and the project go; default: a new directory under the OS's temp dir. */
  readonly workDir?: string;
  /** Keep `workDir` after a successful run (it is always kept after a failure). */
  readonly keep?: boolean;
  readonly deadlines?: Partial<Deadlines>;
  /** Progress, one line per step. */
  readonly log?: (line: string) => void;
}

/** What the two runs of packages/sqlite/README.md's counter print, one run per entry. */
export const expectedCounterOutput = ['count: 1', 'count: 2'] as const;

export interface PackCheckReport {
  readonly workDir: string;
  readonly npmVersion: string;
  readonly tarballs: readonly PackedPackage[];
  /** TypeScript versions the project was type-checked with. */
  readonly typescript: readonly string[];
  /** `npm warn` lines of the install. */
  readonly installWarnings: readonly string[];
  /** stdout of each run of the sqlite README's counter. */
  readonly counterRuns: readonly string[];
  /** stdout of the core README's counter. */
  readonly memoryCounter: string;
  /** stdout of the program that loads every entry point. */
  readonly entries: string;
  readonly tck: { readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly steps: readonly { readonly step: string; readonly ms: number }[];
  readonly totalMs: number;
}

export async function runPackCheck(options: PackCheckOptions = {}): Promise<PackCheckReport> {
  const started = Date.now();
  const root = options.root ?? fileURLToPath(new URL('../../', import.meta.url));
  const deadlines = { ...defaultDeadlines, ...options.deadlines };
  const log = options.log ?? (() => {});
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'engram-pack-check-')));
  const project = join(workDir, 'project');
  const env = consumerEnv();
  const steps: { step: string; ms: number }[] = [];
  const run = async (command: Omit<Command, 'env'>, extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandResult> => {
    log(`${command.step}: ${[command.command, ...command.args].join(' ')}`);
    const result = await runCommand({ ...command, env: { ...env, ...extraEnv } });
    steps.push({ step: command.step, ms: result.ms });
    log(`${command.step}: done in ${seconds(result.ms)}`);
    return result;
  };
  const node = process.execPath;

  try {
    const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest;
    const postgresManifest = JSON.parse(await readFile(join(root, 'packages/postgres/package.json'), 'utf8')) as Manifest;
    const range = (manifest: Manifest, name: string): string => {
      const found = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
      if (found === undefined) throw new PackCheckFailed('read the versions', `no version range of ${name} in the repository's package.json files`);
      return found;
    };

    await run({
      step: 'build',
      command: node,
      // The published packages only (tsconfig.build.json also builds the examples and bench).
      args: [join(root, 'node_modules/typescript/bin/tsc'), '-b', ...packageDirs],
      cwd: root,
      deadlineMs: deadlines.build,
    });
    const npmVersion = (await run({ step: 'npm version', command: 'npm', args: ['--version'], cwd: workDir, deadlineMs: deadlines.pack })).stdout.trim();
    const packStarted = Date.now();
    const tarballs = await packPackages(root, workDir, deadlines.pack, env);
    steps.push({ step: 'pack', ms: Date.now() - packStarted });
    log(`pack: ${tarballs.map((t) => `${t.name} (${t.files.length} files)`).join(', ')}`);
    await checkTarballs(root, tarballs);
    await writeConsumerProject(root, project);

    // What a user types, plus the tools the check needs; versions as the repository uses them.
    // The project has no lockfile, so npm resolves every dependency of the tarballs afresh.
    const install = await run(
      {
        step: 'install',
        command: 'npm',
        args: [
          'install',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          ...tarballs.map((t) => t.tarball),
          `pg@${range(postgresManifest, 'pg')}`,
          `typescript@${range(rootManifest, 'typescript')}`,
          'typescript-latest@npm:typescript@latest',
          `@types/node@${range(rootManifest, '@types/node')}`,
          `vitest@${range(rootManifest, 'vitest')}`,
        ],
        cwd: project,
        deadlineMs: deadlines.install,
      },
      // Both compilation units of better-sqlite3 at once, when it has to be compiled.
      { JOBS: process.env['JOBS'] ?? 'max' },
    );
    const installOutput = `${install.stderr}\n${install.stdout}`;
    const installWarnings = installOutput.split('\n').filter((line) => line.startsWith('npm warn'));
    const unapproved = installWarnings.filter((line) => line.includes('install-scripts') && line.includes('better-sqlite3'));
    if (unapproved.length > 0) {
      throw new PackCheckFailed('install', `npm still lists better-sqlite3's install script as unapproved with the README's allowScripts entry:\n${unapproved.join('\n')}`);
    }

    const typescript: string[] = [];
    for (const [compiler, emit] of [['typescript', true], ['typescript-latest', false]] as const) {
      const version = (JSON.parse(await readFile(join(project, 'node_modules', compiler, 'package.json'), 'utf8')) as { version: string }).version;
      if (typescript.includes(version)) continue;
      await run({
        step: `type-check (TypeScript ${version})`,
        command: node,
        args: [join(project, 'node_modules', compiler, 'bin/tsc'), '-p', 'tsconfig.json', ...(emit ? [] : ['--noEmit'])],
        cwd: project,
        deadlineMs: deadlines.typecheck,
      });
      typescript.push(version);
    }

    const program = async (name: keyof typeof programs | 'entries', label: string): Promise<string> =>
      (await run({ step: label, command: node, args: [join('out/src', `${name}.js`)], cwd: project, deadlineMs: deadlines.program })).stdout;
    const counterRuns: string[] = [];
    for (const [i, expected] of expectedCounterOutput.entries()) {
      const output = await program('counter', `run the sqlite README's counter (${i + 1})`);
      if (output.trim() !== expected) {
        throw new PackCheckFailed('run the counter', `run ${i + 1} of packages/sqlite/README.md's quick start printed ${JSON.stringify(output)}, expected "${expected}"`);
      }
      counterRuns.push(output);
    }
    const memoryCounter = await program('memoryCounter', "run the core README's counter");
    if (memoryCounter.trim() !== 'count: 1') {
      throw new PackCheckFailed('run the core counter', `packages/core/README.md's quick start printed ${JSON.stringify(memoryCounter)}, expected "count: 1"`);
    }
    const entries = await program('entries', 'load every entry point');

    const vitest = join(project, 'node_modules/vitest/vitest.mjs');
    await run({
      step: 'run the TCK on @engram/sqlite',
      command: node,
      args: [vitest, 'run', '--dir', 'test', '--reporter=json', '--outputFile=vitest-report.json'],
      cwd: project,
      deadlineMs: deadlines.tck,
    });
    const report = JSON.parse(await readFile(join(project, 'vitest-report.json'), 'utf8')) as VitestReport;
    const tck = { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
    if (tck.failed > 0 || tck.passed === 0) {
      throw new PackCheckFailed('run the TCK on @engram/sqlite', `vitest reported ${tck.passed} passed and ${tck.failed} failed tests (${join(project, 'vitest-report.json')})`);
    }

    if (options.keep !== true) await rm(workDir, { recursive: true, force: true });
    return { workDir, npmVersion, tarballs, typescript, installWarnings, counterRuns, memoryCounter, entries, tck, steps, totalMs: Date.now() - started };
  } catch (error) {
    log(`failed; the tarballs and the project are kept in ${workDir}`);
    throw error;
  }
}

/**
 * The environment of the check's commands: this one without what an enclosing `npm test` or
 * vitest run sets for the repository (its prefix, workspace, lifecycle, package fields), so npm
 * in the project behaves as in a user's shell. The user's own settings (registry, cache, proxy,
 * nodedir) stay.
 */
export function consumerEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const projectScoped = new Set([
    'npm_config_local_prefix',
    'npm_config_prefix',
    'npm_config_global',
    'npm_config_workspace',
    'npm_config_workspaces',
    'npm_config_include_workspace_root',
    'npm_config_ignore_scripts',
    'npm_config_dry_run',
    'npm_config_package_lock',
    'npm_config_package_lock_only',
    'npm_config_omit',
    'npm_config_include',
    'npm_config_production',
    'npm_config_save',
    'npm_config_save_dev',
    'npm_config_save_exact',
    'npm_config_json',
    'npm_command',
    'npm_execpath',
    'npm_node_execpath',
    'INIT_CWD',
  ]);
  return Object.fromEntries(
    Object.entries(source).filter(
      ([name]) => !projectScoped.has(name) && !/^(npm_package_|npm_lifecycle_|VITEST)/.test(name) && name !== 'TEST',
    ),
  );
}

interface Manifest {
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

interface VitestReport {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const report = await runPackCheck({ keep: process.argv.includes('--keep'), log: (line) => console.log(`[pack-check] ${line}`) });
    console.log(`[pack-check] npm ${report.npmVersion}; TypeScript ${report.typescript.join(' and ')}`);
    for (const warning of report.installWarnings) console.log(`[pack-check] install said: ${warning}`);
    console.log(`[pack-check] counter: ${report.counterRuns.map((r) => r.trim()).join(', then ')}`);
    console.log(`[pack-check] ${report.entries.trim().split('\n').join('\n[pack-check] ')}`);
    console.log(`[pack-check] TCK on @engram/sqlite: ${report.tck.passed} passed, ${report.tck.skipped} skipped`);
    console.log(`[pack-check] ok in ${seconds(report.totalMs)}${process.argv.includes('--keep') ? `; kept ${report.workDir}` : ''}`);
  } catch (error) {
    console.error(error instanceof PackCheckFailed ? error.message : error);
    process.exitCode = 1;
  }
}
