/**
 * One subject token for a persistenceId: letters, digits and '-' stay as they are, every other
 * byte of its UTF-8 form becomes `_` and two hex digits (`Account|alice.b` -> `Account_7Calice_2Eb`).
 * Subjects must not contain '.', '*', '>' or whitespace, and '_' is escaped too, so that two
 * persistenceIds never share a subject.
 */
export function subjectToken(persistenceId: string): string {
  let token = '';
  for (const byte of Buffer.from(persistenceId, 'utf8')) {
    const char = String.fromCharCode(byte);
    token += /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return token;
}

/** The subject the events of `persistenceId` are published to under `prefix` (e.g. `bank.events`). */
export function subjectFor(prefix: string, persistenceId: string): string {
  return `${prefix}.${subjectToken(persistenceId)}`;
}

const subjectPrefixPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Why `prefix` cannot prefix subjects, or undefined when it can. */
export function subjectPrefixProblem(prefix: string): string | undefined {
  return subjectPrefixPattern.test(prefix) ? undefined : "dot-separated tokens of letters, digits, '-' and '_' (such as bank.events)";
}
