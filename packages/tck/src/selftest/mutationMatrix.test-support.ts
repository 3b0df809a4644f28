import { CaseSkipped, type TckCase, type TckGroup } from '../support/TckCase.js';

/** What one case did against one store: passed, skipped, or failed with this message. */
export type Outcome = { readonly kind: 'passed' } | { readonly kind: 'skipped' } | { readonly kind: 'failed'; readonly message: string };

export function flatten<C, K>(groups: readonly TckGroup<C, K>[]): TckCase<C, K>[] {
  return groups.flatMap((group) => group.cases.map((c) => ({ ...c, name: `${group.name} > ${c.name}` })));
}

export const skipOutsideVitest = (reason: string): never => {
  throw new CaseSkipped(reason);
};

/** Runs `run` and reports how it ended instead of throwing. */
export async function outcomeOf(run: () => Promise<void>): Promise<Outcome> {
  try {
    await run();
    return { kind: 'passed' };
  } catch (error) {
    if (error instanceof CaseSkipped) return { kind: 'skipped' };
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'failed', message: message.split('\n')[0] ?? message };
  }
}

/**
 * Outcomes by mutant name, then by case name. Cases run one after another so that a mutant's
 * stateful wrappers see the same call order vitest would produce.
 */
export async function mutationMatrix<C, K, M extends { readonly name: string }>(
  cases: readonly TckCase<C, K>[],
  mutants: readonly M[],
  runCase: (testCase: TckCase<C, K>, mutant: M) => Promise<void>,
): Promise<Map<string, Map<string, Outcome>>> {
  const matrix = new Map<string, Map<string, Outcome>>();
  for (const mutant of mutants) {
    const row = new Map<string, Outcome>();
    for (const testCase of cases) row.set(testCase.name, await outcomeOf(() => runCase(testCase, mutant)));
    matrix.set(mutant.name, row);
  }
  return matrix;
}
