// The Temporal server of the stack: PostgreSQL persistence, mTLS, our dynamic config, started
// from deploy/temporal/stack.yaml exactly as docker-compose starts it. Setup (namespace, search
// attributes) runs deploy/temporal-setup.sh with our temporal CLI.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tools } from './layout.js';
import { ManagedProcess } from './managedProcess.js';

const exec = promisify(execFile);

export interface TemporalTls {
  caFile: string;
  certFile: string;
  keyFile: string;
  serverName: string;
}

export function temporalTls(certsDir: string): TemporalTls {
  return {
    caFile: path.join(certsDir, 'ca.pem'),
    certFile: path.join(certsDir, 'client.pem'),
    keyFile: path.join(certsDir, 'client.key'),
    serverName: 'temporal.stack.test',
  };
}

/** The same client certificate as the TypeScript SDK's `tls` option of Connection / NativeConnection. */
export function sdkTls(tls: TemporalTls) {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.caFile),
    clientCertPair: { crt: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
  };
}

/** The temporal CLI's own variables for a TLS connection (also read by deploy/temporal-setup.sh). */
export function temporalCliEnv(address: string, tls: TemporalTls): NodeJS.ProcessEnv {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.caFile,
    TEMPORAL_TLS_CLIENT_CERT_PATH: tls.certFile,
    TEMPORAL_TLS_CLIENT_KEY_PATH: tls.keyFile,
    TEMPORAL_TLS_SERVER_NAME: tls.serverName,
  };
}

export function temporalServerProcess(options: { port: number; certsDir: string; logsDir: string; postgresEnv: NodeJS.ProcessEnv }): ManagedProcess {
  return new ManagedProcess(
    {
      name: 'temporal',
      command: tools.temporalServer,
      args: ['--root', path.join(ROOT, 'deploy'), '--config', 'temporal', '--env', 'stack', '--allow-no-auth', 'start'],
      env: {
        ...options.postgresEnv,
        TEMPORAL_TLS_DIR: options.certsDir,
        TEMPORAL_PORT_BASE: String(options.port),
        DYNAMIC_CONFIG_FILE_PATH: path.join(ROOT, 'deploy/temporal-dynamicconfig.yaml'),
      },
      port: options.port,
    },
    options.logsDir,
  );
}

/** Creates the namespace and registers the search attributes; idempotent. */
export async function setupTemporal(address: string, tls: TemporalTls): Promise<void> {
  await exec('sh', [path.join(ROOT, 'deploy/temporal-setup.sh')], {
    env: { ...process.env, ...temporalCliEnv(address, tls), TEMPORAL_CLI: tools.temporalCli, TEMPORAL_NAMESPACE: 'default' },
    timeout: 180_000,
  });
}
