import { EngramError } from './EngramError.js';

/** A setting or argument with a value Engram cannot use. Names the setting and the value. */
export class InvalidArgument extends EngramError {
  override readonly name = 'InvalidArgument';

  constructor(
    readonly argument: string,
    readonly value: unknown,
    requirement: string,
  ) {
    super(`${argument} must be ${requirement}, got ${describeValue(value)}`);
  }
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** Throws InvalidArgument unless `value` is a finite number >= `min` (integers only if `integer`). */
export function requireNumber(
  argument: string,
  value: unknown,
  { min = -Infinity, integer = false, allowInfinity = false } = {},
): number {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (allowInfinity || Number.isFinite(value)) &&
    value >= min &&
    (!integer || !Number.isFinite(value) || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    throw new InvalidArgument(argument, value, `${kind}${min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return value;
}
