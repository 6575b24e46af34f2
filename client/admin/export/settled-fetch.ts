/** How long the slider or a field must rest before a report is asked for. */
export const SETTLE_MS = 250;

/**
 * Asks for a report once its inputs have rested for `SETTLE_MS`, and hands on its answer only while these inputs are
 * still the newest: call it inside an `$effect` and return what it returns, so a newer input cancels the timer and
 * silences an answer still on its way.
 */
export function settledFetch<T>(fetch: () => Promise<T>, onResult: (result: T) => void, onError: (error: unknown) => void): () => void {
  let current = true;
  const timer = setTimeout(() => {
    fetch().then(
      (result) => current && onResult(result),
      (error: unknown) => current && onError(error),
    );
  }, SETTLE_MS);
  return () => {
    current = false;
    clearTimeout(timer);
  };
}
