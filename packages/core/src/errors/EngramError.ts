/**
 * Base of every error Engram raises. Subclasses set a stable `name` (safe to switch on, and
 * checked by name rather than `instanceof`, so two copies of the package still agree) and keep
 * the underlying error as `cause`.
 */
export abstract class EngramError extends Error {
  abstract override readonly name: string;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** True when `error` is an Error whose `name` is `name` (works across package copies). */
export function isErrorNamed(error: unknown, name: string): error is Error {
  return error instanceof Error && error.name === name;
}
