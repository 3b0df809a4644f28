/** Every byte value once, ascending: catches stores that treat bytes as text or stop at 0. */
export function allByteValues(): Uint8Array {
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;
  return bytes;
}

/**
 * Text that breaks stores which mangle unicode: astral characters (surrogate pairs), combining
 * marks that normalization would merge, NUL, controls, right-to-left text, a byte-order mark, the
 * JavaScript line separators, quotes and backslashes.
 */
export const EVERY_KIND_OF_UNICODE =
  '{"text":"ascii ~ 😀👩‍👩‍👧 𝄞 𠀋 ' +
  'e\u0301 a\u0308\u0323 \u0000 nul \u0001\u001f\u007f \u0085 ' +
  'עברית العربية 中文 日本語 한국어 ' +
  '\uFEFF bom \u2028 \u2029 \uFFFD \uFFFF ' +
  `' \\" \\\\ % _ \\n\\t"}`;

/** ASCII text of exactly `bytes` bytes. */
export function asciiText(bytes: number): string {
  return 'x'.repeat(bytes);
}

/**
 * Text whose UTF-8 size exceeds `maxBytes` while its length in UTF-16 units does not: catches a
 * limit that counts characters instead of bytes.
 */
export function multiByteTextOver(maxBytes: number): string {
  // 'é' is one UTF-16 unit and two UTF-8 bytes.
  return 'é'.repeat(Math.floor(maxBytes / 2) + 1);
}

/** A 1 MiB text payload, or the store's limit when that is lower. */
export function largeText(maxBytes: number): string {
  const size = Math.min(1024 * 1024, maxBytes);
  const unit = '0123456789abcdef';
  const text = unit.repeat(Math.floor(size / unit.length));
  return text + 'z'.repeat(size - text.length);
}
