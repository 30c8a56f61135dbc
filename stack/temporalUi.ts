// Temporal's Web UI server (built from temporalio/ui-server), talking mTLS to the frontend.
// Its config has the keys the temporalio/ui image renders from TEMPORAL_TLS_CA/_CERT/_KEY/
// _SERVER_NAME in docker-compose; here it is written as YAML into .stack/ui.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tools } from './layout.js';
import { ManagedProcess } from './managedProcess.js';
import type { TemporalTls } from './temporalServer.js';

export function temporalUiProcess(options: { stateDir: string; logsDir: string; port: number; temporalAddress: string; tls: TemporalTls }): ManagedProcess {
  const root = path.join(options.stateDir, 'ui');
  mkdirSync(path.join(root, 'config'), { recursive: true });
  writeFileSync(
    path.join(root, 'config', 'stack.yaml'),
    [
      `temporalGrpcAddress: ${options.temporalAddress}`,
      `host: 127.0.0.1`,
      `port: ${options.port}`,
      'enableUi: true',
      'defaultNamespace: default',
      'notifyOnNewVersion: false',
      'cors:',
      '  cookieInsecure: true',
      'tls:',
      `  caFile: ${options.tls.caFile}`,
      `  certFile: ${options.tls.certFile}`,
      `  keyFile: ${options.tls.keyFile}`,
      `  serverName: ${options.tls.serverName}`,
      '  enableHostVerification: true',
      '',
    ].join('\n'),
  );
  return new ManagedProcess({ name: 'temporal-ui', command: tools.temporalUi, args: ['--root', root, '--config', 'config', '--env', 'stack', 'start'], port: options.port }, options.logsDir);
}
