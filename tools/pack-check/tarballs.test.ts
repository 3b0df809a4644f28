import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackCheckFailed } from './PackCheckFailed.js';
import { checkTarballs, type PackedPackage } from './tarballs.js';

const root = mkdtempSync(join(tmpdir(), 'engram-tarballs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const manifest = {
  name: '@engram/demo',
  version: '1.0.0',
  description: 'demo',
  keywords: ['engram'],
  license: 'Apache-2.0',
  type: 'module',
  engines: { node: '>=20.19' },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' }, './package.json': './package.json' },
  files: ['dist', 'src'],
};
const goodFiles = ['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts'];

function packed(dir: string, fields: object, files: readonly string[]): PackedPackage {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, 'package.json'), JSON.stringify({ ...manifest, ...fields }));
  return { name: '@engram/demo', version: '1.0.0', dir, tarball: `${dir}.tgz`, files };
}

async function problems(pkg: PackedPackage): Promise<string> {
  const error = await checkTarballs(root, [pkg]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PackCheckFailed);
  return (error as PackCheckFailed).message;
}

describe('checkTarballs', () => {
  it('passes a tarball with its exports, README and metadata', async () => {
    await expect(checkTarballs(root, [packed('good', {}, goodFiles)])).resolves.toBeUndefined();
  });

  it('names shipped tests, build state and compiled files whose source is gone', async () => {
    const message = await problems(
      packed('leaky', {}, [...goodFiles, 'src/a.test.ts', 'src/b.test-support.ts', 'dist/.tsbuildinfo', 'dist/removed.js']),
    );
    expect(message).toContain('@engram/demo (leaky): ships test or build files: src/a.test.ts, src/b.test-support.ts, dist/.tsbuildinfo');
    expect(message).toContain('dist/ holds compiled files without a source (left from a removed file): dist/removed.js');
  });

  it('names an export target the tarball lacks, an export without types, and missing metadata', async () => {
    const message = await problems(
      packed(
        'sparse',
        { type: 'commonjs', keywords: [], engines: undefined, exports: { '.': './dist/index.js', './spi': { types: './dist/spi/index.d.ts', default: './dist/spi/index.js' } } },
        goodFiles.filter((f) => f !== 'README.md'),
      ),
    );
    expect(message).toContain('ships no README.md');
    expect(message).toContain('export "." has no "types" condition');
    expect(message).toContain('points at ./dist/spi/index.d.ts, which the tarball does not contain');
    expect(message).toContain('"type" is "commonjs", not "module"');
    expect(message).toContain('has no "engines.node"');
    expect(message).toContain('has no "keywords"');
  });

  it('names dependencies a registry user cannot install and a repository folder that is not the package\'s', async () => {
    const message = await problems(
      packed('deps', { repository: { type: 'git', url: 'x', directory: 'packages/other' }, dependencies: { '@engram/x': 'workspace:*' } }, goodFiles),
    );
    expect(message).toContain('depends on @engram/x@workspace:*, which a registry user cannot install');
    expect(message).toContain('"repository.directory" is "packages/other", not "deps"');
  });
});
