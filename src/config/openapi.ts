// Loads a backend's OpenAPI 3 spec so a job can be refused before any HTTP call:
// its path must be a declared POST operation and its payload must match the JSON body schema.
import { readFile } from 'node:fs/promises';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { templateRegex } from '../core/pathTemplate.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export sits on `.default`.
const Ajv = AjvModule.default;
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

export type PayloadCheck = { ok: true } | { ok: false; reason: string };

export interface BackendSpec {
  /** Absolute path of the spec file. */
  readonly specPath: string;
  /** The `openapi` version string, e.g. `3.0.3`. */
  readonly version: string;
  /** Path templates that declare a POST operation, e.g. `/users/{id}`, in spec order. */
  readonly postPaths: readonly string[];
  /** The POST template a concrete job path matches; literal segments win over `{param}` ones. */
  matchPath(path: string): { template: string } | undefined;
  /** Checks a (parsed) payload against the template's `application/json` request body schema. */
  validatePayload(template: string, payload: unknown): PayloadCheck;
}

interface Operation {
  template: string;
  regex: RegExp;
  /** Literal characters in the template: more means more specific. */
  specificity: number;
  /** The `application/json` body schema, when the operation declares one. */
  schema?: Json | boolean;
  bodyRequired: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` (`#/components/...`) once; other values are returned as is. */
function deref(doc: Json, value: unknown): unknown {
  if (!isObject(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) return value;
  let node: unknown = doc;
  for (const raw of value.$ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return node;
}

/** OpenAPI 3.0 uses draft-04 boolean `exclusiveMinimum`/`exclusiveMaximum`; ajv wants numbers. */
function normaliseDraft4Bounds(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(normaliseDraft4Bounds);
    return;
  }
  if (!isObject(node)) return;
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof node[flag] === 'boolean') {
      if (node[flag] && typeof node[bound] === 'number') {
        node[flag] = node[bound];
        delete node[bound];
      } else {
        delete node[flag];
      }
    }
  }
  Object.values(node).forEach(normaliseDraft4Bounds);
}

function jsonMediaType(content: Json): unknown {
  const key = Object.keys(content).find((type) => /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type));
  return key === undefined ? undefined : content[key];
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  const parts = (errors ?? []).slice(0, 5).map((error) => {
    const where = `payload${error.instancePath}`;
    const extra =
      error.keyword === 'additionalProperties' && isObject(error.params)
        ? ` '${String(error.params.additionalProperty)}'`
        : error.keyword === 'enum' && isObject(error.params) && Array.isArray(error.params.allowedValues)
          ? `: ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
          : '';
    return `${where}: ${error.message ?? 'is invalid'}${extra}`;
  });
  const more = (errors?.length ?? 0) - parts.length;
  return parts.join('; ') + (more > 0 ? `; and ${more} more` : '') || 'payload is invalid';
}

/**
 * Reads and indexes an OpenAPI 3 spec (YAML or JSON).
 * @throws ConfigError(specPath, key, expected) when the file is missing, unparsable or not OpenAPI 3.
 */
export async function loadOpenApiSpec(specPath: string): Promise<BackendSpec> {
  let text: string;
  try {
    text = await readFile(specPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new ConfigError(
      specPath,
      '',
      `could not read the OpenAPI spec (${code}): expected a readable YAML or JSON file; fix the backend's \`spec\` path`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const pos = (error as { linePos?: [{ line: number; col: number }] }).linePos?.[0];
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new ConfigError(specPath, '', `invalid YAML/JSON${at}: expected an OpenAPI 3 document`);
  }
  return buildSpec(specPath, doc);
}

/** Points every local `$ref` (`#/...`) at the document's id, so any sub-schema compiles on its own. */
function absolutiseRefs(node: unknown, docId: string): void {
  if (Array.isArray(node)) {
    node.forEach((child) => absolutiseRefs(child, docId));
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) node.$ref = `${docId}${node.$ref}`;
  Object.values(node).forEach((child) => absolutiseRefs(child, docId));
}

const DOC_ID = 'https://spooky-temporal.invalid/openapi.json';

/** Indexes an already parsed OpenAPI document (exported for tests and programmatic use). */
export function buildSpec(specPath: string, rawDoc: unknown): BackendSpec {
  if (!isObject(rawDoc)) {
    throw new ConfigError(specPath, '', 'expected an OpenAPI 3 document (a mapping with `openapi: 3.x` and `paths`)');
  }
  const version = rawDoc.openapi;
  if (typeof version !== 'string' || !/^3\.\d+/.test(version)) {
    throw new ConfigError(
      specPath,
      'openapi',
      'expected `openapi: 3.0.x` or `3.1.x` (Swagger 2 is not supported; convert the spec to OpenAPI 3)',
    );
  }
  if (rawDoc.paths !== undefined && !isObject(rawDoc.paths)) {
    throw new ConfigError(specPath, 'paths', 'expected a mapping of path templates to path items');
  }
  // Work on a copy: schema keywords and $refs are rewritten in place.
  const doc = structuredClone(rawDoc);
  const is31 = version.startsWith('3.1');
  if (!is31) normaliseDraft4Bounds(doc);

  const operations: Operation[] = [];
  for (const [template, rawItem] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    const item = deref(doc, rawItem);
    if (!isObject(item) || !isObject(item.post)) continue;
    if (!template.startsWith('/')) {
      throw new ConfigError(specPath, `paths.${template}`, "expected a path template starting with '/'");
    }
    const operation: Operation = {
      template,
      regex: templateRegex(template),
      specificity: template.replace(/\{[^{}/]+\}/g, '').length,
      bodyRequired: false,
    };
    const body = deref(doc, item.post.requestBody);
    if (isObject(body) && isObject(body.content)) {
      const media = jsonMediaType(body.content);
      if (isObject(media) && (isObject(media.schema) || typeof media.schema === 'boolean')) {
        // OpenAPI allows a bare boolean schema only in 3.1; ajv accepts both forms.
        operation.schema = media.schema;
        operation.bodyRequired = body.required === true;
      }
    }
    operations.push(operation);
  }
  // Most specific first, so `/users/me` wins over `/users/{id}`.
  operations.sort((a, b) => b.specificity - a.specificity);

  absolutiseRefs(doc, DOC_ID);
  const options = { strict: false, allErrors: true, logger: false, validateSchema: false } as const;
  const ajv = is31 ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  ajv.addSchema(doc, DOC_ID);

  const validators = new Map<string, ValidateFunction>();
  for (const op of operations) {
    if (op.schema === undefined) continue;
    try {
      // Compiled eagerly so a broken schema is reported at load time, not on the first job.
      validators.set(op.template, ajv.compile(op.schema));
    } catch (error) {
      throw new ConfigError(
        specPath,
        `paths.${op.template}.post.requestBody`,
        `the JSON body schema does not compile (${(error as Error).message}); fix the schema or its $ref`,
      );
    }
  }
  const byTemplate = new Map(operations.map((op) => [op.template, op]));

  return {
    specPath,
    version,
    postPaths: Object.keys(isObject(doc.paths) ? doc.paths : {}).filter((t) => byTemplate.has(t)),
    matchPath(path: string) {
      if (typeof path !== 'string' || !path.startsWith('/') || /[?#]/.test(path)) return undefined;
      // `.` and `..` are never parameter values (they would move the URL).
      if (path.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
      const op = operations.find((candidate) => candidate.regex.test(path));
      return op ? { template: op.template } : undefined;
    },
    validatePayload(template: string, payload: unknown): PayloadCheck {
      const op = byTemplate.get(template);
      if (!op) return { ok: false, reason: `no POST operation ${template} in the OpenAPI spec` };
      const validate = validators.get(template);
      if (!validate) return { ok: true };
      if (payload === undefined) {
        return op.bodyRequired ? { ok: false, reason: 'payload: a JSON request body is required' } : { ok: true };
      }
      return validate(payload) ? { ok: true } : { ok: false, reason: formatErrors(validate.errors) };
    },
  };
}
