import { expect } from 'vitest';
import type { SerializedValue } from '@engram/core/spi';

/** Asserts `actual` is the same payload as `expected`, of the same kind (text stays text, bytes stay bytes). */
export function expectSamePayload(actual: unknown, expected: string | Uint8Array, what: string): void {
  if (typeof expected === 'string') {
    expect(typeof actual, `${what}: a text payload must come back as a string`).toBe('string');
    const text = actual as string;
    if (text !== expected) {
      expect.fail(
        `${what}: text payload differs: ${text.length} UTF-16 units instead of ${expected.length}, ` +
          `first difference at index ${firstDifference(text, expected)} ` +
          `(got ${JSON.stringify(text.slice(0, 80))}, expected ${JSON.stringify(expected.slice(0, 80))})`,
      );
    }
    return;
  }
  expect(actual, `${what}: a binary payload must come back as a Uint8Array`).toBeInstanceOf(Uint8Array);
  const bytes = actual as Uint8Array;
  if (bytes.byteLength !== expected.byteLength || firstDifference(bytes, expected) !== -1) {
    expect.fail(
      `${what}: binary payload differs: ${bytes.byteLength} bytes instead of ${expected.byteLength}, ` +
        `first difference at index ${firstDifference(bytes, expected)}`,
    );
  }
}

export function expectSameSerializedValue(
  actual: SerializedValue | undefined,
  expected: SerializedValue,
  what: string,
): void {
  expect(actual, `${what} is missing`).toBeDefined();
  expect(actual?.serializerId, `${what}: serializerId`).toBe(expected.serializerId);
  expect(actual?.manifest, `${what}: manifest`).toBe(expected.manifest);
  expectSamePayload(actual?.payload, expected.payload, what);
}

/** Asserts `value` is an Error named `name` (by name, so two copies of @engram/core still agree). */
export function expectErrorNamed(value: unknown, name: string, what: string): void {
  expect(value, `${what}: expected an Error named ${name}`).toBeInstanceOf(Error);
  expect((value as Error).name, `${what}: ${(value as Error).message}`).toBe(name);
}

/** Runs `action` and returns what it rejected with; fails when it resolves. */
export async function rejectionOf(action: Promise<unknown>, what: string): Promise<unknown> {
  const outcome = await action.then(
    (value) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) expect.fail(`${what}: expected the promise to reject, it resolved`);
  return outcome.error;
}

function firstDifference(a: ArrayLike<unknown> | string, b: ArrayLike<unknown> | string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return i;
  }
  return a.length === b.length ? -1 : length;
}
