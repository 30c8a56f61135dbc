// Bounded waits of the stack: each says what it waited for when it gives up.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitForPort(port: number, timeoutMs: number, what: string, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(1_000, () => socket.destroy());
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what}: port ${host}:${port} did not open within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(250);
  }
}

export async function retryUntil<T>(what: string, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not done within ${Math.round(timeoutMs / 1000)} s: ${(last as Error)?.message ?? last}`);
    await sleep(500);
  }
}
