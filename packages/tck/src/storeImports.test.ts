import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Stores are written against the plugin SPI only: `@engram/core/spi` is all of core they may see,
 * so the engine can change without a store noticing, and a store never pulls in the actor runtime
 * or test utilities. Their tests may use the engine (`@engram/core`, `@engram/core/testkit`).
 */
const packages = fileURLToPath(new URL('../../', import.meta.url));
const storeSources = ['sqlite/src', 'postgres/src'];

/** `@engram/core` or `@engram/core/testkit` as the specifier of an import, export or import(). */
const forbidden = /\b(?:from|import)\s*\(?\s*['"](@engram\/core(?:\/testkit)?)['"]/g;

function forbiddenImports(source: string): string[] {
  return [...source.matchAll(forbidden)].map((match) => match[1]!);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    // Tests and their helpers (`*.test.ts`, `*.int.test.ts`, `*.test-support.ts`) may use the engine.
    const isTest = /\.test[.-]/.test(entry.name);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTest ? [path] : [];
  });
}

describe('store sources import only @engram/core/spi from core', () => {
  it('recognizes every way of importing the root or the testkit, and not the SPI', () => {
    expect(forbiddenImports(`import { EngramError } from '@engram/core';`)).toEqual(['@engram/core']);
    expect(forbiddenImports(`import type { ActorSystem } from "@engram/core";`)).toEqual(['@engram/core']);
    expect(forbiddenImports(`export * from '@engram/core';`)).toEqual(['@engram/core']);
    expect(forbiddenImports(`import {\n  ManualScheduler,\n} from '@engram/core/testkit';`)).toEqual(['@engram/core/testkit']);
    expect(forbiddenImports(`const core = await import('@engram/core');`)).toEqual(['@engram/core']);
    expect(forbiddenImports(`import '@engram/core';`)).toEqual(['@engram/core']);
    expect(forbiddenImports(`import { InvalidWrite, type Journal } from '@engram/core/spi';`)).toEqual([]);
  });

  for (const dir of storeSources) {
    it(`packages/${dir}`, () => {
      const files = sourceFiles(join(packages, dir));
      expect(files.length, `source files found under packages/${dir}`).toBeGreaterThan(0);
      const offenders = files.flatMap((file) =>
        forbiddenImports(readFileSync(file, 'utf8')).map((specifier) => `${relative(packages, file)} imports ${specifier}`),
      );
      expect(offenders, 'use @engram/core/spi instead (re-export there what stores need)').toEqual([]);
    });
  }
});
