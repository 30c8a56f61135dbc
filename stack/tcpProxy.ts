// A TCP proxy of our own between the runners and SurrealDB, so the chaos run can stall the
// network (nothing forwarded either way for a while, connections left open, as a partition or a
// frozen middlebox does) or cut every connection at once.
import net from 'node:net';

export class TcpProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<[net.Socket, net.Socket]>();
  #stalledUntil = 0;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    this.#server = net.createServer((client) => this.#accept(client));
  }

  static async start(port: number, target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, target);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get stalled(): boolean {
    return Date.now() < this.#stalledUntil;
  }

  #accept(client: net.Socket): void {
    const upstream = net.connect(this.target);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.#pairs.add(pair);
    const close = () => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk: Buffer) => {
        // While stalled, bytes are held back (not dropped): TCP stays up, nothing arrives.
        if (this.stalled) {
          from.pause();
          setTimeout(() => {
            to.write(chunk);
            from.resume();
          }, this.#stalledUntil - Date.now());
        } else {
          to.write(chunk);
        }
      });
      from.once('error', close);
      from.once('close', close);
    }
  }

  /** Nothing is forwarded for `ms`; what was sent meanwhile arrives afterwards. */
  stall(ms: number): void {
    this.#stalledUntil = Date.now() + ms;
  }

  /** Every connection is cut, as a server restart or a load balancer failover would. */
  dropConnections(): void {
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
