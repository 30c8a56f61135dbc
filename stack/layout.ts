// Where the production stack keeps its binaries, state and logs, and the ports it uses.
// Every port can be moved with an environment variable (STACK_<NAME>_PORT) when it clashes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOOLS = path.join(ROOT, '.tools');

export const TEMPORAL_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.34.0';

export const tools = {
  temporalServer: path.join(TOOLS, 'temporal-server/bin/server'),
  temporalSqlTool: path.join(TOOLS, 'temporal-server/bin/sql'),
  temporalUi: path.join(TOOLS, 'temporal-ui/bin/ui-server'),
  temporalUiSource: path.join(TOOLS, 'temporal-ui/src'),
  surreal: path.join(TOOLS, 'surreal-server/target/release/surreal'),
  surrealTarget: path.join(TOOLS, 'surreal-server/target'),
  temporalCli: path.join(TOOLS, 'temporal/bin/temporal'),
};

export interface StackLayout {
  stateDir: string;
  certsDir: string;
  logsDir: string;
  ports: { postgres: number; temporal: number; ui: number; surreal: number; surrealTls: number; surrealProxy: number; backend: number };
}

/** `offset` moves every default port (the test stack uses +100, so it runs beside `npm run stack`). */
export function stackLayout(stateDir = path.join(ROOT, '.stack'), offset = 0): StackLayout {
  const port = (name: string, fallback: number): number => {
    const value = process.env[`STACK_${name}_PORT`];
    return value ? Number(value) + offset : fallback + offset;
  };
  return {
    stateDir,
    certsDir: path.join(stateDir, 'certs'),
    logsDir: path.join(stateDir, 'logs'),
    ports: {
      postgres: port('POSTGRES', 15432),
      temporal: port('TEMPORAL', 17233),
      ui: port('UI', 18080),
      surreal: port('SURREAL', 18000),
      surrealTls: port('SURREAL_TLS', 18443),
      // The runners reach SurrealDB through a TCP proxy of ours, so a network stall can be injected.
      surrealProxy: port('SURREAL_PROXY', 18001),
      backend: port('BACKEND', 13660),
    },
  };
}
