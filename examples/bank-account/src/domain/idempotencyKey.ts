/**
 * Idempotency keys come from clients (the `Idempotency-Key` header) and are stored in events, so
 * they are kept short and to visible ASCII: a UUID, a ULID or a base64 token all fit.
 */
export const maxIdempotencyKeyLength = 128;

const keyPattern = /^[\x21-\x7e]+$/;

/** Why `value` is not a usable idempotency key, or undefined when it is one. */
export function idempotencyKeyProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > maxIdempotencyKeyLength) return `must be at most ${maxIdempotencyKeyLength} characters, got ${value.length}`;
  if (!keyPattern.test(value)) return 'may contain only visible ASCII characters (no spaces, no commas from a repeated header)';
  return undefined;
}
