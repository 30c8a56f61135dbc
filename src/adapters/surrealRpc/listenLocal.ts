// Listens on 127.0.0.1 only: on the preferred port, or on a free one when it is taken and
// falling back is allowed (a fixed port asked for explicitly fails instead, naming the fix).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnreachableError } from '../../core/errors.js';

export const LOCAL_HOST = '127.0.0.1';

export function listenLocal(server: Server, port: number, options: { fallbackToFreePort: boolean; portTakenHint: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && options.fallbackToFreePort && port !== 0) {
        server.listen(0, LOCAL_HOST);
        return;
      }
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new UnreachableError(`port ${port} on ${LOCAL_HOST} is taken: ${options.portTakenHint}`) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.on('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOCAL_HOST);
  });
}
