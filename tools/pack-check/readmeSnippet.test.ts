import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { programs } from './consumerProject.js';
import { PackCheckFailed } from './PackCheckFailed.js';
import { readmeSnippet } from './readmeSnippet.js';

describe('readmeSnippet', () => {
  it('is the code of the fenced block right after the marker, without the fences', () => {
    const markdown = 'intro\n\n```ts\nearlier();\n```\n\n<!-- pack-check: demo -->\n```ts\nconst a = 1;\n\nconsole.log(a);\n```\n\n```ts\nlater();\n```\n';
    expect(readmeSnippet(markdown, 'demo', 'README.md')).toBe('const a = 1;\n\nconsole.log(a);\n');
  });

  it('names the README when the marker or its block is missing', () => {
    expect(() => readmeSnippet('no marker here', 'demo', 'packages/x/README.md')).toThrow(PackCheckFailed);
    expect(() => readmeSnippet('no marker here', 'demo', 'packages/x/README.md')).toThrow(
      'packages/x/README.md has no `<!-- pack-check: demo -->` line',
    );
    expect(() => readmeSnippet('<!-- pack-check: demo -->\nprose, then\n```ts\nx;\n```\n', 'demo', 'R.md')).toThrow(
      'R.md has no fenced code block right after `<!-- pack-check: demo -->`',
    );
  });

  it('finds every snippet the check compiles in the packages\' READMEs', () => {
    for (const { readme, snippet } of Object.values(programs)) {
      const path = new URL(`../../${readme}`, import.meta.url);
      expect(readmeSnippet(readFileSync(path, 'utf8'), snippet, readme)).toMatch(/^import .* from '@engram\/core';/);
    }
  });
});
