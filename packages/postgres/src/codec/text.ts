interface MaybeWellFormed {
  isWellFormed?: () => boolean;
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL could not keep `value` exactly as text, or undefined when it can. The driver
 * sends UTF-8, which has no form for a lone UTF-16 surrogate (it would silently become U+FFFD),
 * and text values cannot contain U+0000.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'it contains U+0000, which PostgreSQL text cannot hold';
  if (!isWellFormedText(value)) return 'it contains a lone UTF-16 surrogate, which has no UTF-8 form';
  return undefined;
}

export function isWellFormedText(value: string): boolean {
  return (value as MaybeWellFormed).isWellFormed?.() ?? !loneSurrogate.test(value);
}

/** A PostgreSQL array literal (`{"a","b"}`) for a text[] value passed inside another array. */
export function textArrayLiteral(values: readonly string[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ',';
    literal += `"${(values[i] as string).replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${literal}}`;
}

/**
 * Longest persistenceId and tag, in UTF-8 bytes. Both are index keys, and a btree entry must fit
 * in about a third of a page (2,704 bytes); a longer one would fail the whole statement, and with
 * it the unrelated writes of the batch.
 */
export const maxKeyBytes = 1024;

/** Why `value` cannot be a persistenceId or tag, or undefined. */
export function keyProblem(what: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `${what} must be a string`;
  if (value === '') return `${what} is empty`;
  const problem = textProblem(value);
  if (problem !== undefined) return `${what} cannot be stored: ${problem}`;
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: short keys skip the count.
  if (value.length * 3 <= maxKeyBytes) return undefined;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxKeyBytes) return `${what} is ${bytes} bytes in UTF-8; this store accepts at most ${maxKeyBytes}`;
  return undefined;
}
