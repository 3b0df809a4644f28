/**
 * Amounts are integers in minor units (cents), so no rounding ever happens. The largest single
 * amount keeps every sum of a few amounts far below Number.MAX_SAFE_INTEGER.
 */
export const maxAmount = 100_000_000_000; // one billion in major units

/** The largest balance an account may hold: beyond it integer arithmetic would lose cents. */
export const maxBalance = Number.MAX_SAFE_INTEGER;

/** Why `value` is not a valid amount, or undefined when it is one. */
export function amountProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  if (typeof value !== 'number') return `must be a number of cents, got ${typeof value === 'string' ? 'a string' : describeType(value)}`;
  if (!Number.isInteger(value)) return `must be a whole number of cents, got ${value}`;
  if (value <= 0) return `must be positive, got ${value}`;
  if (value > maxAmount) return `must be at most ${maxAmount}, got ${value}`;
  return undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
