import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PackCheckFailed } from './PackCheckFailed.js';
import { runCommand } from './runCommand.js';

/** The published packages, by folder. */
export const packageDirs = ['packages/core', 'packages/sqlite', 'packages/postgres', 'packages/tck'] as const;

export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The folder in the repository, e.g. `packages/core`. */
  readonly dir: string;
  readonly tarball: string;
  /** Paths inside the tarball, relative to the package root. */
  readonly files: readonly string[];
}

interface PackJson {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/** `npm pack` of every published package into `destination`, as `npm publish` would upload them. */
export async function packPackages(root: string, destination: string, deadlineMs: number, env: NodeJS.ProcessEnv): Promise<PackedPackage[]> {
  const { stdout } = await runCommand({
    step: 'pack',
    command: 'npm',
    args: ['pack', '--json', '--pack-destination', destination, ...packageDirs.flatMap((dir) => ['-w', dir])],
    cwd: root,
    deadlineMs,
    env,
  });
  let packed: readonly PackJson[];
  try {
    packed = JSON.parse(stdout) as readonly PackJson[];
  } catch (error) {
    throw new PackCheckFailed('pack', `\`npm pack --json\` printed no JSON: ${stdout.slice(0, 500)}`, error);
  }
  return packageDirs.map((dir) => {
    const name = `@engram/${dir.slice('packages/'.length)}`;
    const entry = packed.find((p) => p.name === name);
    if (entry === undefined) throw new PackCheckFailed('pack', `\`npm pack\` made no tarball of ${name} (${dir})`);
    return { name, version: entry.version, dir, tarball: join(destination, entry.filename), files: entry.files.map((f) => f.path) };
  });
}

/**
 * What a registry user would trip over in a tarball: tests or build state shipped, an `exports`
 * target missing, compiled files whose source is gone (a stale dist/), metadata a registry page
 * or `npm install` needs. Throws one `PackCheckFailed` listing every problem.
 */
export async function checkTarballs(root: string, packed: readonly PackedPackage[]): Promise<void> {
  const versions = new Map(packed.map((p) => [p.name, p.version]));
  const problems: string[] = [];
  for (const pkg of packed) {
    const manifest = JSON.parse(await readFile(join(root, pkg.dir, 'package.json'), 'utf8')) as Manifest;
    const say = (problem: string): void => void problems.push(`${pkg.name} (${pkg.dir}): ${problem}`);
    const files = new Set(pkg.files);

    const unwanted = pkg.files.filter((f) => /\.test\.|\.test-support\.|\.tsbuildinfo$/.test(f));
    if (unwanted.length > 0) say(`ships test or build files: ${unwanted.slice(0, 5).join(', ')}${unwanted.length > 5 ? ', …' : ''}`);
    const stale = pkg.files.filter((f) => /^dist\/.*\.js$/.test(f) && !files.has(`src/${f.slice('dist/'.length, -'.js'.length)}.ts`));
    if (stale.length > 0) {
      say(`dist/ holds compiled files without a source (left from a removed file): ${stale.slice(0, 5).join(', ')}; rebuild from a clean dist/`);
    }
    if (!files.has('README.md')) say('ships no README.md');

    for (const target of [manifest.main, manifest.types, ...exportTargets(manifest.exports)]) {
      if (target === undefined) continue;
      if (!files.has(target.replace(/^\.\//, ''))) say(`points at ${target}, which the tarball does not contain`);
    }
    for (const [entry, conditions] of Object.entries(manifest.exports ?? {})) {
      if (entry !== './package.json' && (typeof conditions !== 'object' || typeof conditions['types'] !== 'string')) {
        say(`export "${entry}" has no "types" condition`);
      }
    }

    if (manifest.type !== 'module') say(`"type" is ${JSON.stringify(manifest.type)}, not "module"`);
    if (typeof manifest.engines?.['node'] !== 'string') say('has no "engines.node"');
    if (typeof manifest.license !== 'string') say('has no "license"');
    if (typeof manifest.description !== 'string' || manifest.description === '') say('has no "description"');
    if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) say('has no "keywords"');
    if (!Array.isArray(manifest.files)) say('has no "files" list (it would publish everything in its folder)');
    if (manifest.repository !== undefined && manifest.repository.directory !== pkg.dir) {
      say(`"repository.directory" is ${JSON.stringify(manifest.repository.directory)}, not "${pkg.dir}"`);
    }
    for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (/^(workspace|file|link):/.test(range)) say(`depends on ${dependency}@${range}, which a registry user cannot install`);
      const sibling = versions.get(dependency);
      if (sibling !== undefined && range !== sibling) say(`depends on ${dependency}@${range}, but the repository builds ${dependency}@${sibling}`);
    }
  }
  if (problems.length > 0) throw new PackCheckFailed('inspect the tarballs', `\n${problems.join('\n')}`);
}

interface Manifest {
  readonly type?: string;
  readonly main?: string;
  readonly types?: string;
  readonly description?: string;
  readonly license?: string;
  readonly keywords?: readonly string[];
  readonly files?: readonly string[];
  readonly engines?: Readonly<Record<string, string>>;
  readonly repository?: { readonly directory?: string };
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

function exportTargets(exports: Manifest['exports']): string[] {
  return Object.values(exports ?? {}).flatMap((target) => (typeof target === 'string' ? [target] : Object.values(target)));
}
