// Waiting in the chaos run: plain sleeps, calls bounded by a deadline, and calls retried while
// Temporal restarts under them.

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The promise's value, or a rejection once `ms` pass without one. */
export function within<T>(promise: PromiseLike<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]);
}

/** Retries an API call while Temporal restarts under it: every 500 ms, 60 times at most. */
export async function persist<T>(what: string, call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (error) {
      if (i >= 60) throw new Error(`${what} kept failing: ${(error as Error).message}`, { cause: error });
      await sleep(500);
    }
  }
}
