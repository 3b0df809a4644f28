import { PackCheckFailed } from './PackCheckFailed.js';

/**
 * The code of the fenced block that follows `<!-- pack-check: <name> -->` in a README, so the
 * check compiles and runs exactly what the README shows a user.
 */
export function readmeSnippet(markdown: string, name: string, readmePath: string): string {
  const marker = `<!-- pack-check: ${name} -->`;
  const at = markdown.indexOf(marker);
  if (at === -1) {
    throw new PackCheckFailed('read the README snippet', `${readmePath} has no \`${marker}\` line before the snippet`);
  }
  const block = /^\s*```[\w-]*[ \t]*\n([\s\S]*?\n)[ \t]*```/.exec(markdown.slice(at + marker.length));
  if (block?.[1] === undefined) {
    throw new PackCheckFailed('read the README snippet', `${readmePath} has no fenced code block right after \`${marker}\``);
  }
  return block[1];
}
