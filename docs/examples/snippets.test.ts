import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const markdownIn = (folder: string) => readdirSync(`${root}docs/${folder}`).filter((name) => name.endsWith('.md')).map((name) => `${folder}${name}`);
const docs = [...markdownIn(''), ...markdownIn('guide/')];
const block = /```ts\n([\s\S]*?)```/g;
const fileLine = /^\/\/ ((?:docs|packages|examples)\/[\w./-]+\.ts)\n/;

/**
 * The guide's code blocks are files: a block starts with `// <path>.ts` (a file under docs/examples,
 * packages or examples) and must be that file, which the type-check compiles and a test runs. So
 * the docs cannot rot.
 */
describe('docs code blocks', () => {
  for (const doc of docs) {
    const text = readFileSync(`${root}docs/${doc}`, 'utf8');
    const blocks = [...text.matchAll(block)].map((match) => match[1]!);
    for (const [index, code] of blocks.entries()) {
      const file = fileLine.exec(code)?.[1];
      it(`${doc} block ${index + 1}${file === undefined ? '' : ` (${file})`} is a file the tests run`, () => {
        expect(file, `a \`\`\`ts block in docs/${doc} must start with "// <path of the file it shows>.ts"`).toBeDefined();
        expect(code.slice(`// ${file}\n`.length)).toBe(readFileSync(`${root}${file!}`, 'utf8'));
      });
    }
  }
});
