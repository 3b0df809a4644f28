/** The outcome of `promise` so far, without waiting: 'pending', the value, or the error. */
export function track<T>(promise: Promise<T>): { readonly outcome: unknown } {
  const state = { outcome: 'pending' as unknown };
  promise.then(
    (value) => (state.outcome = value),
    (error: unknown) => (state.outcome = error),
  );
  return state;
}
