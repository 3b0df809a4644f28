import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const guide = fileURLToPath(new URL('../../guide/', import.meta.url));
const chapters = readdirSync(guide).filter((name) => name.endsWith('.md'));
const link = /\[[^\]]*\]\(([^)\s]+)\)/g;

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#+ (.+)$/gm)].map((match) => slug(match[1]!)));
}

describe('the guide’s links', () => {
  for (const chapter of chapters) {
    it(`${chapter}: every relative link leads to a file, and every anchor to a heading`, () => {
      const text = readFileSync(join(guide, chapter), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(link)) {
        if (/^[a-z]+:/.test(target!)) continue; // http:, https:, mailto:
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path === '' ? join(guide, chapter) : resolve(dirname(join(guide, chapter)), path);
        expect(existsSync(file), `${chapter} links to ${target}, which does not exist`).toBe(true);
        if (anchor !== undefined && file.endsWith('.md')) {
          expect(anchors(file).has(anchor), `${chapter} links to ${target}: no such heading`).toBe(true);
        }
      }
    });
  }
});
