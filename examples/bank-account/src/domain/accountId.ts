/**
 * Account ids appear in URLs, actor names and persistenceIds, so they are kept to characters that
 * need no escaping anywhere: letters, digits, '-', '_' and '.', starting with a letter or digit.
 */
export const maxAccountIdLength = 64;

const accountIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why `value` is not a usable account id, or undefined when it is one. */
export function accountIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${value === null ? 'null' : typeof value}`;
  if (value === '') return 'must not be empty';
  if (value.length > maxAccountIdLength) return `must be at most ${maxAccountIdLength} characters, got ${value.length}`;
  if (value.includes('/')) return "must not contain '/'";
  if (!accountIdPattern.test(value)) {
    return "may contain only letters, digits, '-', '_' and '.', and must start with a letter or digit";
  }
  return undefined;
}

const accountPrefix = 'Account|';

export function accountPersistenceId(id: string): string {
  return `${accountPrefix}${id}`;
}

/** The account id of an account's persistenceId; undefined for every other persistenceId. */
export function accountIdOf(persistenceId: string): string | undefined {
  return persistenceId.startsWith(accountPrefix) ? persistenceId.slice(accountPrefix.length) : undefined;
}
