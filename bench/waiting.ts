// The bench's clock and its waits. Wall-clock ms everywhere: rows carry created_at from the same
// clock (performance.now() drifts from it by hundreds of ms over a run).

export const now = () => Date.now();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every `everyMs` until it holds; throws, naming `what`, after `timeoutMs`. */
export async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 2): Promise<void> {
  const deadline = now() + timeoutMs;
  while (!(await done())) {
    if (now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
