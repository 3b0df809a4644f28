// Module hooks that let a child `node` process run Engram's TypeScript sources directly, as vitest
// does in-process, so tests that spawn real processes (kill -9, two writers on one file) need no
// build: `@engram/*` maps to the packages' sources, `./x.js` to `./x.ts`, and `.ts` files are
// transpiled with the repository's TypeScript. Registered by register.mjs.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = new URL('../../', import.meta.url);
const aliases = new Map([
  ['@engram/core', 'packages/core/src/index.ts'],
  ['@engram/core/spi', 'packages/core/src/spi/index.ts'],
  ['@engram/core/testkit', 'packages/core/src/testkit/index.ts'],
  ['@engram/sqlite', 'packages/sqlite/src/index.ts'],
  ['@engram/postgres', 'packages/postgres/src/index.ts'],
]);

export async function resolve(specifier, context, nextResolve) {
  const alias = aliases.get(specifier);
  if (alias !== undefined) return { url: new URL(alias, root).href, shortCircuit: true };
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const output = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
