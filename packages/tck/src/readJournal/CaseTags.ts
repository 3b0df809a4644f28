/** The words that tag an event: each event string is tagged with those of them it contains. */
export const TAG_WORDS = ['green', 'black', 'blue', 'apple', 'banana'] as const;
export type TagWord = (typeof TAG_WORDS)[number];

/**
 * One case's tags: the tag words under a prefix no other case uses, so that a tag query on the
 * shared store finds only the case's events.
 */
export class CaseTags {
  constructor(readonly prefix: string) {}

  /** The tag of `word` in this case. */
  of(word: TagWord): string {
    return this.prefix + word;
  }

  /** The tags of an event string: the tag words it contains, in order of first appearance. */
  tagsOf(event: string): string[] {
    const words = event.split(/[^a-z]+/);
    return TAG_WORDS.filter((word) => words.includes(word))
      .sort((a, b) => words.indexOf(a) - words.indexOf(b))
      .map((word) => this.of(word));
  }
}
