import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readmeSnippet } from './readmeSnippet.js';

/** The programs of the consumer project, compiled to `out/src/<name>.js`. */
export const programs = {
  /** packages/sqlite/README.md's quick start: run twice, it counts on across the restart. */
  counter: { readme: 'packages/sqlite/README.md', snippet: 'quick-start' },
  /** packages/core/README.md's quick start, on the in-memory store. */
  memoryCounter: { readme: 'packages/core/README.md', snippet: 'core-quick-start' },
  /** packages/postgres/README.md's quick start: compiled only (it needs a server). */
  postgres: { readme: 'packages/postgres/README.md', snippet: 'postgres-quick-start' },
} as const;

/**
 * A project as a user starts one next to the repository, not inside it: ESM, a strict tsconfig
 * with the options a new TypeScript project has on and `skipLibCheck` off, the README snippets
 * as they are printed, and better-sqlite3's install script approved as the sqlite README says.
 */
export async function writeConsumerProject(root: string, dir: string): Promise<void> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, 'test'), { recursive: true });
  const manifest = {
    name: 'engram-pack-check-consumer',
    version: '0.0.0',
    private: true,
    type: 'module',
    allowScripts: { 'better-sqlite3': true },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      target: 'es2022',
      skipLibCheck: false,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      rootDir: '.',
      outDir: 'out',
    },
    include: ['src', 'test'],
  };
  await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  for (const [name, { readme, snippet }] of Object.entries(programs)) {
    const path = join(root, readme);
    await writeFile(join(dir, 'src', `${name}.ts`), readmeSnippet(await readFile(path, 'utf8'), snippet, path));
  }
  const consumer = new URL('./consumer/', import.meta.url);
  await copyFile(new URL('entries.ts', consumer), join(dir, 'src', 'entries.ts'));
  await copyFile(new URL('stores.tck.ts', consumer), join(dir, 'test', 'stores.test.ts'));
}
