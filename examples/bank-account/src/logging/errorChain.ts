/**
 * An error's message and its causes as one line: `text: caused by Inner: inner text` (the outer
 * error's name is left to the caller, which logs it as the type). A cause whose message the outer
 * one already quotes is not repeated (errors of this code base often name their cause).
 */
export function errorChain(error: unknown, maxDepth = 8): string {
  let text = error instanceof Error ? error.message : String(error);
  let cause = causeOf(error);
  for (let depth = 0; cause !== undefined && depth < maxDepth; depth++) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (!text.includes(message)) text += `: caused by ${describe(cause)}`;
    cause = causeOf(cause);
  }
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The stacks of an error and its causes, for debug logs. */
export function stackChain(error: unknown, maxDepth = 8): string {
  const stacks: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth <= maxDepth; depth++) {
    stacks.push(current instanceof Error ? (current.stack ?? describe(current)) : String(current));
    current = causeOf(current);
  }
  return stacks.join('\nCaused by: ');
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}

function causeOf(value: unknown): unknown {
  return value instanceof Error ? value.cause : undefined;
}
