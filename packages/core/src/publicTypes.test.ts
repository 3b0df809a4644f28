import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What a user of @engram/core sees in its published types: the engine's internals stay off them.
// Reads the built declarations (`npm test` builds before it runs the tests).

const dist = (path: string) => fileURLToPath(new URL(`../dist/${path}`, import.meta.url));

function declarations(path: string): string {
  const file = dist(path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return readFileSync(file, 'utf8');
}

describe('the public .d.ts of @engram/core', () => {
  it('Persistence shows no engine internals', () => {
    const text = declarations('persistence/Persistence.d.ts');
    for (const name of ['writer:', 'recoveryPermits', 'claimWriter', 'releaseWriter', 'trackStoreWork', 'isInspected', 'report(']) {
      expect(text, name).not.toContain(name);
    }
    expect(text).toContain('inspect(listener');
  });

  it('ActorSystem shows no test-kit hooks', () => {
    const text = declarations('actor/ActorSystem.d.ts');
    expect(text).not.toMatch(/^\s*trackPendingWork</m);
    expect(text).not.toMatch(/^\s*isQuiet\(/m);
    expect(text).toMatch(/^\s*terminate\(\)/m);
  });

  it('the root entry does not export the requireNumber helper', () => {
    expect(declarations('index.d.ts')).not.toContain('requireNumber');
  });
});
