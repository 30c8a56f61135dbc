// The container deployment: docker-compose.yml, the Dockerfile and deploy/*.
// The compose model comes from tools/compose-check: compose-go, the loader and validator inside
// `docker compose`, so the file is checked exactly as Compose would check it, on any machine with Go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/loadConfig.js';
import { JOB_SEARCH_ATTRIBUTES } from '../../src/core/searchAttributes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DOCKERFILE = path.join(ROOT, 'Dockerfile');
/** Where the Dockerfile puts the repository's files (WORKDIR of the final stage). */
const IMAGE_APP_DIR = '/app';

interface Healthcheck {
  test?: string[] | string;
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[] | string | null;
  entrypoint?: string[] | string | null;
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  stop_grace_period?: string;
  restart?: string;
  profiles?: string[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  ports?: { host_ip?: string; target: number; published?: string }[];
  expose?: string[];
}
interface ComposeModel {
  services: Record<string, Service>;
}

// ---------------------------------------------------------------- loading the compose model

const COMPOSE_CHECK = path.join(ROOT, 'tools', 'compose-check');

/**
 * Loads and validates a Compose file with compose-go, the library `docker compose` itself uses
 * (tools/compose-check), so the check runs wherever Go does, with or without the Compose plugin.
 * Its output is the normalised model, the same JSON as `docker compose config --format json`.
 */
function composeConfig(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('go', ['run', '.', ...args], { cwd: COMPOSE_CHECK, encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw new Error(`cannot run tools/compose-check with Go (${result.error.message}): install Go 1.24+`);
  return result;
}

function loadModel(): ComposeModel {
  const result = composeConfig([COMPOSE_FILE]);
  assert.equal(result.status, 0, `docker-compose.yml is not a valid Compose file:\n${result.stderr}`);
  return JSON.parse(result.stdout) as ComposeModel;
}

const model = loadModel();

function service(name: string): Service {
  const s = model.services[name];
  assert.ok(s, `docker-compose.yml has no service "${name}" (services: ${Object.keys(model.services).join(', ')})`);
  return s;
}

function asArgs(value: string[] | string | null | undefined): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : value.split(/\s+/).filter(Boolean);
}

/** Compose durations such as 30s, 1m30s, 2m → seconds. */
function seconds(duration: string | undefined): number {
  if (!duration) return 10; // Docker's default stop timeout
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|ns)/g)) {
    const factor = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9 }[unit as 'h' | 'm' | 's' | 'ms' | 'us' | 'ns'];
    total += Number(n) * factor;
  }
  return total;
}

/** A file the image holds at `imagePath` (under /app), as a path in this repository. */
function repoPathOf(imagePath: string): string {
  assert.ok(imagePath.startsWith(`${IMAGE_APP_DIR}/`), `expected a path under ${IMAGE_APP_DIR}/, got ${imagePath}`);
  return path.join(ROOT, imagePath.slice(IMAGE_APP_DIR.length + 1));
}

// ---------------------------------------------------------------- the Dockerfile

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}

/** FROM-separated stages with their instructions (comments dropped, continuations joined). */
function dockerfileStages(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue; // comments, also inside a continuation
    const continued = /\\\s*$/.test(line);
    current += `${continued ? line.replace(/\\\s*$/, '') : line} `;
    if (!continued) {
      if (current.trim()) logical.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) logical.push(current.trim());

  const stages: Stage[] = [];
  const globalArgs = new Map<string, string>(); // ARGs before the first FROM, usable in FROM lines
  for (const entry of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(entry) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [, name = '', value = ''] = /^([^=\s]+)=?(\S*)/.exec(args) ?? [];
      globalArgs.set(name, value);
    } else if (upper === 'FROM') {
      const [, image = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      const from = image.replace(/\$\{?(\w+)\}?/g, (m, arg: string) => globalArgs.get(arg) ?? m);
      stages.push({ from, instructions: [], ...(name ? { name } : {}) });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ op: upper, args });
    }
  }
  return stages;
}

/** Source paths of a COPY (flags dropped; the last path is the destination). */
function copySources(args: string): { from?: string; sources: string[]; destination: string } {
  const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((w) => !w.startsWith('--'));
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

const stages = dockerfileStages(readFileSync(DOCKERFILE, 'utf8'));
const finalStage = stages.at(-1)!;
const finalCopies = finalStage.instructions.filter((i) => i.op === 'COPY' || i.op === 'ADD').map((i) => copySources(i.args));

// ---------------------------------------------------------------- tests: compose

void test('Compose accepts the stack definition, with and without the workers profile, and rejects a broken one', () => {
  for (const args of [[COMPOSE_FILE], ['--profile', 'workers', COMPOSE_FILE]]) {
    const result = composeConfig(args);
    assert.equal(result.status, 0, `compose-check ${args.join(' ')} failed:\n${result.stderr}`);
  }
  // The validator really validates: a dependency on a service that does not exist is refused.
  const broken = path.join(mkdtempSync(path.join(tmpdir(), 'compose-')), 'docker-compose.yml');
  writeFileSync(broken, 'services:\n  a:\n    image: x\n    depends_on:\n      nope: { condition: service_healthy }\n');
  const refused = composeConfig([broken]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /undefined service "nope"/);
});

void test('the stack runs PostgreSQL, Temporal and its UI, SurrealDB, the example backend and the runner', () => {
  for (const name of ['postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'surrealdb', 'schema', 'example-backend', 'runner']) {
    service(name);
  }
  assert.equal(service('temporal-ui').environment?.['TEMPORAL_ADDRESS'], 'temporal:7233');
});

void test('the runner starts only once SurrealDB, its schema, Temporal, the search attributes and the backend are ready', () => {
  const dependsOn = service('runner').depends_on ?? {};
  assert.deepEqual(
    Object.fromEntries(Object.entries(dependsOn).map(([name, d]) => [name, d.condition])),
    {
      surrealdb: 'service_healthy',
      schema: 'service_completed_successfully',
      temporal: 'service_healthy',
      'temporal-setup': 'service_completed_successfully',
      'example-backend': 'service_healthy',
    },
  );
  assert.equal(service('schema').depends_on?.['surrealdb']?.condition, 'service_healthy');
  assert.equal(service('temporal-setup').depends_on?.['temporal']?.condition, 'service_healthy');
  assert.equal(service('temporal').depends_on?.['postgresql']?.condition, 'service_healthy');
});

void test('PostgreSQL, Temporal, SurrealDB and the example backend report their health', () => {
  for (const name of ['postgresql', 'temporal', 'surrealdb', 'example-backend']) {
    const check = service(name).healthcheck;
    assert.ok(check && !check.disable, `${name} has no healthcheck`);
    const args = asArgs(check.test);
    assert.ok(args.length > 1 && args[0] !== 'NONE', `${name}'s healthcheck runs nothing: ${JSON.stringify(check.test)}`);
  }
  assert.match(asArgs(service('surrealdb').healthcheck?.test).join(' '), /is-ready/);
  assert.match(asArgs(service('postgresql').healthcheck?.test).join(' '), /pg_isready/);
  assert.match(asArgs(service('temporal').healthcheck?.test).join(' '), /temporal operator/);
});

void test('the runner, schema and example backend run the image built from the project Dockerfile', () => {
  for (const name of ['runner', 'schema', 'example-backend']) {
    const build = service(name).build;
    assert.ok(build, `${name} is not built from the Dockerfile`);
    assert.equal(path.resolve(ROOT, build.context), path.resolve(ROOT), `${name} builds from another context`);
    assert.equal(build.dockerfile ?? 'Dockerfile', 'Dockerfile');
  }
  assert.deepEqual(asArgs(service('runner').command), ['start']);
  assert.deepEqual(asArgs(service('schema').command), ['schema', 'deploy']);
  // The example backend's entry point is a file the image holds.
  const [, script] = asArgs(service('example-backend').entrypoint);
  assert.ok(script && existsSync(path.join(ROOT, script)), `example-backend runs ${script}, which does not exist`);
  assert.ok(
    finalCopies.some((c) => !c.from && c.sources.includes(script)),
    `the Dockerfile does not copy ${script} into the image`,
  );
});

void test('the runner reaches SurrealDB, Temporal and the backend by their service names', async () => {
  const env = service('runner').environment ?? {};
  assert.equal(env['SURREAL_URL'], 'ws://surrealdb:8000');
  assert.equal(env['TEMPORAL_ADDRESS'], 'temporal:7233');
  for (const key of ['SURREAL_NS', 'SURREAL_DB', 'SURREAL_USER', 'SURREAL_PASS', 'SPKY_CONFIG']) {
    assert.ok(env[key], `runner has no ${key}`);
  }
  assert.equal(service('schema').environment?.['SPKY_CONFIG'], env['SPKY_CONFIG'], 'schema deploys another config than the runner runs');

  // SPKY_CONFIG names a file in the image; it is deploy/sp00ky.yml of this repository.
  const config = await loadConfig({ configPath: repoPathOf(env['SPKY_CONFIG']!), env: {} });
  assert.deepEqual(config.backends.map((b) => b.baseUrl), ['http://example-backend:3660']);
  for (const backend of config.backends) {
    assert.ok(backend.specPath && existsSync(backend.specPath), `spec ${backend.specPath} of ${backend.name} does not exist`);
  }
  const backendToken = service('example-backend').environment?.['EXAMPLE_BACKEND_TOKEN'];
  assert.equal(config.backends[0]?.authToken, backendToken, 'the runner and the example backend disagree on the token');
});

void test('stopping the runner leaves time for in-flight HTTP calls to finish', async () => {
  const runner = service('runner');
  const config = await loadConfig({ configPath: repoPathOf(runner.environment!['SPKY_CONFIG']!), env: {} });
  // The workers drain for the longest HTTP timeout + 5 s (300 s when a row may override it).
  const drainSeconds = Math.max(...config.backends.map((b) => (b.timeoutOverridable ? Math.max(b.timeoutSeconds, 300) : b.timeoutSeconds))) + 5;
  assert.ok(
    seconds(runner.stop_grace_period) > drainSeconds,
    `runner stop_grace_period ${runner.stop_grace_period ?? '(default 10s)'} must exceed the ${drainSeconds} s drain`,
  );
  assert.equal(runner.restart, 'unless-stopped');
});

void test('temporal-setup registers every job search attribute as a Keyword', () => {
  const setup = service('temporal-setup');
  const args = asArgs(setup.entrypoint).concat(asArgs(setup.command));
  const script = args.find((a) => a.endsWith('.sh'));
  assert.ok(script, `temporal-setup runs no script: ${JSON.stringify(args)}`);
  const text = readFileSync(path.join(ROOT, 'deploy', path.basename(script)), 'utf8');
  for (const [name, type] of Object.entries(JOB_SEARCH_ATTRIBUTES)) {
    assert.equal(type, 'Keyword');
    assert.match(text, new RegExp(`\\b${name}\\b`), `deploy/${path.basename(script)} does not register ${name}`);
  }
  assert.match(text, /search-attribute create/);
  assert.match(text, /--type Keyword/);
  assert.match(text, /already exists/, 'the setup must tolerate attributes that already exist');
});

void test('third-party images are pinned to a version, not latest', () => {
  for (const [name, s] of Object.entries(model.services)) {
    if (s.build) continue;
    assert.ok(s.image, `${name} has neither image nor build`);
    const tag = /:([^/:]+)$/.exec(s.image)?.[1];
    assert.ok(tag && tag !== 'latest', `${name} uses ${s.image}: pin a version`);
  }
});

// ---------------------------------------------------------------- tests: monitoring

/** Every service, the `workers` profile's included. */
const withWorkers = (() => {
  const result = composeConfig(['--profile', 'workers', COMPOSE_FILE]);
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as ComposeModel).services;
})();
/** Services that run our image's `start`: they serve /metrics, /healthz and /readyz. */
const runnerServices = Object.entries(withWorkers).filter(([, s]) => s.build && asArgs(s.command)[0] === 'start');

function bindOf(s: Service, target: string): string | undefined {
  return s.volumes?.find((v) => v.type === 'bind' && v.target === target && v.read_only)?.source;
}

void test('Prometheus scrapes /metrics of every runner and worker container, on the port they serve', () => {
  assert.deepEqual(runnerServices.map(([name]) => name).sort(), ['runner', 'worker']);
  const prometheus = service('prometheus');
  assert.match(prometheus.image ?? '', /^prom\/prometheus:/);
  const configFlag = asArgs(prometheus.command).find((a) => a.startsWith('--config.file='))!;
  assert.equal(bindOf(prometheus, configFlag.slice('--config.file='.length)), path.join(ROOT, 'deploy', 'prometheus.yml'));

  const config = parse(readFileSync(path.join(ROOT, 'deploy', 'prometheus.yml'), 'utf8')) as {
    scrape_configs: { job_name: string; metrics_path?: string; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
  };
  const job = config.scrape_configs.find((c) => c.job_name === 'spooky-temporal');
  assert.equal(job?.metrics_path ?? '/metrics', '/metrics');
  const [dns] = job?.dns_sd_configs ?? [];
  assert.deepEqual([...(dns?.names ?? [])].sort(), runnerServices.map(([name]) => name).sort());
  assert.equal(dns?.type, 'A', 'one target per container of a scaled service');
  for (const [name, s] of runnerServices) {
    assert.equal(s.environment?.['SPKY_METRICS_PORT'], String(dns?.port), `${name} serves /metrics on another port`);
    assert.ok(s.expose?.includes(String(dns?.port)), `${name} does not expose ${dns?.port}`);
  }
});

void test('the runner and worker containers report their health from /readyz on the metrics port', () => {
  for (const [name, s] of runnerServices) {
    const check = asArgs(s.healthcheck?.test).join(' ');
    assert.ok(check.includes(`http://127.0.0.1:${s.environment?.['SPKY_METRICS_PORT']}/readyz`), `${name}: ${check}`);
    assert.match(check, /AbortSignal\.timeout\(\d+\)/, `${name}: the check must give up on its own`);
    assert.match(check, /r\.ok \? 0 : 1/, `${name}: a 503 must count as unhealthy`);
  }
});

void test('Grafana starts after Prometheus with the provisioned data source and dashboard, both on 127.0.0.1 only', () => {
  const grafana = service('grafana');
  assert.match(grafana.image ?? '', /^grafana\/grafana:/);
  assert.equal(grafana.depends_on?.['prometheus']?.condition, 'service_healthy');
  assert.equal(bindOf(grafana, '/etc/grafana/provisioning'), path.join(ROOT, 'deploy', 'grafana', 'provisioning'));
  const provider = parse(readFileSync(path.join(ROOT, 'deploy', 'grafana', 'provisioning', 'dashboards', 'spooky-temporal.yml'), 'utf8')) as {
    providers: { options: { path: string } }[];
  };
  const dashboards = provider.providers[0]!.options.path;
  assert.equal(bindOf(grafana, dashboards), path.join(ROOT, 'deploy', 'grafana', 'dashboards'));
  const home = grafana.environment?.['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'] ?? '';
  assert.ok(home.startsWith(`${dashboards}/`) && existsSync(path.join(ROOT, 'deploy', 'grafana', 'dashboards', path.basename(home))), home);

  const datasources = parse(readFileSync(path.join(ROOT, 'deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as {
    datasources: { url: string }[];
  };
  const url = new URL(datasources.datasources[0]!.url);
  assert.equal(url.hostname, 'prometheus');
  assert.ok(service('prometheus').ports?.some((p) => String(p.target) === url.port), `Prometheus does not listen on ${url.port}`);
  for (const name of ['prometheus', 'grafana']) {
    for (const p of service(name).ports ?? []) assert.equal(p.host_ip, '127.0.0.1', `${name} publishes ${p.target} beyond this machine`);
  }
});

// ---------------------------------------------------------------- tests: Dockerfile

void test('the image is built in stages: npm ci and the build in one, production dependencies in the last', () => {
  assert.ok(stages.length >= 2, 'expected a multi-stage Dockerfile');
  for (const stage of stages) assert.match(stage.from, /^node:20[.\d]*-bookworm-slim$/, `stage on ${stage.from}, expected node:20-bookworm-slim`);
  const runs = (stage: Stage) => stage.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
  const builder = stages.find((s) => runs(s).some((r) => /npm run build/.test(r)));
  assert.ok(builder && builder !== finalStage, 'no earlier stage runs `npm run build`');
  assert.ok(runs(builder).some((r) => /\bnpm ci\b/.test(r)), 'the build stage does not install with npm ci');
  assert.ok(
    runs(finalStage).some((r) => /\bnpm ci\b.*--omit=dev/.test(r)),
    'the final stage does not install production dependencies with npm ci --omit=dev',
  );
  assert.ok(!runs(finalStage).some((r) => /npm run build|\btsc\b/.test(r)), 'the final stage compiles TypeScript');
});

void test("the final image holds the compiled dist/ and never the TypeScript sources in src/", () => {
  const distCopy = finalCopies.find((c) => c.sources.some((s) => /^\/?(app\/)?dist\/?$/.test(s)));
  assert.ok(distCopy, 'the final stage does not copy dist/');
  assert.ok(distCopy.from, 'dist/ must come from the build stage (COPY --from=...), not the build context');
  for (const copy of finalCopies) {
    for (const source of copy.sources) {
      assert.doesNotMatch(source, /^(\.\/|\/app\/)?src(\/|$)/, `the final stage copies ${source}`);
      assert.notEqual(source, '.', 'the final stage copies the whole context (and so src/)');
      assert.ok(!source.endsWith('.ts'), `the final stage copies TypeScript source ${source}`);
    }
  }
});

void test('every file the image copies from the repository exists and is not excluded by .dockerignore', () => {
  const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
  for (const stage of stages) {
    for (const instruction of stage.instructions.filter((i) => i.op === 'COPY')) {
      const copy = copySources(instruction.args);
      if (copy.from) continue;
      for (const source of copy.sources) {
        assert.ok(existsSync(path.join(ROOT, source)), `Dockerfile copies ${source}, which does not exist`);
        const top = source.replace(/^\.\//, '').split('/')[0];
        assert.ok(!ignored.includes(top!) && !ignored.includes(source), `Dockerfile copies ${source}, but .dockerignore excludes it`);
      }
    }
  }
  for (const must of ['node_modules', '.git', 'dist', '.data']) assert.ok(ignored.includes(must), `.dockerignore should exclude ${must}`);
});

void test('the container runs the compiled CLI as the non-root node user, `start` by default', () => {
  const last = (op: string) => finalStage.instructions.filter((i) => i.op === op).at(-1)?.args;
  assert.equal(last('USER'), 'node');
  const entrypoint = JSON.parse(last('ENTRYPOINT') ?? 'null') as string[] | null;
  const bin = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
  assert.deepEqual(entrypoint, ['node', path.posix.normalize(Object.values(bin)[0]!)]);
  assert.deepEqual(JSON.parse(last('CMD') ?? 'null'), ['start']);
  assert.equal(last('WORKDIR'), IMAGE_APP_DIR);
});
