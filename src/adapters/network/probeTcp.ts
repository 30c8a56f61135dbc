// A quick TCP check before a client that would retry a refused connection for a long time.
import { connect as tcpConnect } from 'node:net';

/** Why a TCP connection to host:port fails (refused, unknown host, no answer), or undefined when it opens. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (reason: string | undefined) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer from ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNREFUSED' ? `connection refused by ${host}:${port}` : `${error.code ?? error.message} (${host}:${port})`),
    );
  });
}

/** `host:port` → its parts, or undefined when it is not one. */
export function splitHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address.trim());
  return match ? { host: match[1]!, port: Number(match[2]) } : undefined;
}
