// <dataDir>/dev.json: how `jobs` commands (and other clients) find a running dev instance: its
// SurrealDB endpoint with this run's credential, its Temporal and Temporal UI. Written by `dev`
// once it serves (mode 0600: the password is in it), removed when it stops.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { UnreachableError } from '../../core/errors.js';

const devFileSchema = z.object({
  version: z.literal(2),
  pid: z.number().int(),
  /** The embedded database served over SurrealDB's RPC protocol: `ws://127.0.0.1:<port>`. */
  surrealUrl: z.string().url(),
  surrealNamespace: z.string().min(1),
  surrealDatabase: z.string().min(1),
  /** A root-level user defined for this run only. */
  surrealUser: z.string().min(1),
  /** Secret (local): this run's password for `surrealUser`; never printed. */
  surrealPassword: z.string().min(16),
  /** Where the engine keeps the data (`surrealkv://<dir>`), for reference. */
  storage: z.string(),
  temporalAddress: z.string(),
  temporalNamespace: z.string(),
  temporalUiUrl: z.string().optional(),
  /** The sp00ky.yml the instance runs (for `schedules create`). */
  configPath: z.string().optional(),
  startedAt: z.string(),
});

export type DevFile = z.infer<typeof devFileSchema>;

export function devFilePath(dataDir: string): string {
  return resolve(dataDir, 'dev.json');
}

export async function writeDevFile(dataDir: string, info: DevFile): Promise<string> {
  const file = devFilePath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return file;
}

/** Removes dev.json if it is still the one this process wrote. */
export async function removeDevFile(dataDir: string, pid = process.pid): Promise<void> {
  const current = await readDevFile(dataDir).catch(() => undefined);
  if (current?.pid === pid) await rm(devFilePath(dataDir), { force: true });
}

export async function readDevFile(dataDir: string): Promise<DevFile> {
  const file = devFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UnreachableError(
      `no dev instance found (${file} does not exist): start one with \`npm start\` (spooky-temporal dev --data-dir ${dataDir}), ` +
        'pass --data-dir of a running one, or use a database directly with --url / SURREAL_URL',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = devFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UnreachableError(`${file} is not a valid dev.json: restart \`spooky-temporal dev\` to rewrite it`);
  }
  return parsed.data;
}
