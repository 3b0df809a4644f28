import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against the TypeScript sources of every package, not their built dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@engram\/core\/spi$/, replacement: src('./packages/core/src/spi/index.ts') },
      { find: /^@engram\/core\/testkit$/, replacement: src('./packages/core/src/testkit/index.ts') },
      { find: /^@engram\/core$/, replacement: src('./packages/core/src/index.ts') },
      { find: /^@engram\/tck$/, replacement: src('./packages/tck/src/index.ts') },
      { find: /^@engram\/sqlite$/, replacement: src('./packages/sqlite/src/index.ts') },
      { find: /^@engram\/postgres$/, replacement: src('./packages/postgres/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'bench/src/**/*.test.ts', 'docs/examples/**/*.test.ts', 'tools/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
