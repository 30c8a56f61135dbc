// The app around the README's job table, for the record-user tests: users who sign up and in
// through a record access, threads they author (as in Sp00ky's docs), the runner's database
// user, and the writes a user might try.
import assert from 'node:assert/strict';
import type { RecordId, Surreal } from 'surrealdb';
import type { SurrealConnectionConfig } from '../../src/core/interfaces.js';

export const APP_SCHEMA = `
DEFINE TABLE user SCHEMAFULL PERMISSIONS FOR select WHERE id = $auth.id;
DEFINE FIELD name ON user TYPE string;
DEFINE FIELD password ON user TYPE string;
DEFINE INDEX user_name ON user FIELDS name UNIQUE;
DEFINE ACCESS account ON DATABASE TYPE RECORD
  SIGNUP (CREATE user SET name = $name, password = crypto::argon2::generate($password))
  SIGNIN (SELECT * FROM user WHERE name = $name AND crypto::argon2::compare(password, $password));
DEFINE TABLE thread SCHEMAFULL PERMISSIONS FOR select, create WHERE author = $auth.id;
DEFINE FIELD author ON thread TYPE record<user>;
`;

const RUNNER_PASSWORD = 'runner-secret-42'; // test-only value

/** The runner's SurrealDB user: a database user with the EDITOR role (it defines the schema too). */
export const RUNNER_USER = {
  define: `DEFINE USER runner ON DATABASE PASSWORD '${RUNNER_PASSWORD}' ROLES EDITOR;`,
  config: (namespace: string, database: string): SurrealConnectionConfig => ({
    url: 'mem://',
    namespace,
    database,
    authLevel: 'database',
    username: 'runner',
    password: RUNNER_PASSWORD,
  }),
};

/** Sp00ky's docs' table rule in place of the block's: owners may select, create, update and delete. */
export function sp00kyTableRule(block: string): string {
  const replaced = block.replace(
    /(DEFINE TABLE job SCHEMAFULL)\s+PERMISSIONS[^;]*;/,
    '$1 PERMISSIONS FOR select, create, update, delete WHERE $access = "account" AND assigned_to.author.id = $auth.id;',
  );
  assert.notEqual(replaced, block, "the block's table rule was found and replaced");
  return replaced;
}

/** Creates a user must not make: values the runner alone writes. */
export function forgedCreates(): Record<string, Record<string, unknown>> {
  return {
    "status 'success'": { status: 'success' },
    "status 'processing'": { status: 'processing' },
    "status 'failed'": { status: 'failed' },
    'retries 1': { retries: 1 },
    'an error entry': { errors: [{ code: 500, reason: 'forged' }] },
    'run 2': { run: 2 },
    'a result': { result: { paid: true } },
    'a kill_requested_at': { kill_requested_at: new Date() },
    'an assignee': { assignee: 'runner-x' },
    'a schedule': { schedule: 'nightly' },
  };
}

/**
 * Writes a user might try on their job `$id`, each field on its own and all at once. Not
 * `created_at`: it is READONLY, so a change fails for system users too.
 */
export function forgedUpdates(otherThread: RecordId): Record<string, string> {
  const values: Record<string, string> = {
    status: "'pending'",
    retries: '0',
    errors: '[]',
    result: '{ paid: true }',
    run: '7',
    kill_requested_at: 'time::now()',
    idempotency_key: "'someone-elses-key'",
    max_retries: '50',
    retry_strategy: "'exponential'",
    delay: '99',
    timeout: '77',
    priority: '1',
    queue: "'fast-lane'",
    fairness_key: "'mine-alone'",
    path: "'/admin'",
    payload: "'{}'",
    assigned_to: String(otherThread),
    updated_at: 'd"2000-01-01T00:00:00Z"',
    assignee: "'me'",
    schedule: "'nightly'",
  };
  const all = Object.entries(values)
    .map(([field, value]) => `${field}: ${value}`)
    .join(', ');
  return {
    ...Object.fromEntries(Object.entries(values).map(([field, value]) => [`UPDATE of ${field}`, `UPDATE $id SET ${field} = ${value}`])),
    'append to errors': "UPDATE $id SET errors += { code: 'forged' }",
    'UPDATE … MERGE': `UPDATE $id MERGE { ${all} }`,
    'UPDATE … CONTENT': `UPDATE $id CONTENT { ${all} }`,
    'UPDATE of the whole table': "UPDATE job SET status = 'pending', retries = 0, result = NONE",
    UPSERT: `UPSERT $id MERGE { ${all} }`,
    'INSERT … ON DUPLICATE KEY UPDATE': `INSERT INTO job { id: $id, path: '/echo', assigned_to: ${String(otherThread)} } ON DUPLICATE KEY UPDATE ${Object.entries(values)
      .map(([field, value]) => `${field} = ${value}`)
      .join(', ')}`,
  };
}

/** The table's rule and each field's PERMISSIONS, as SurrealDB reports them. */
export async function permissionsOf(db: Surreal, table: string): Promise<{ table: string; fields: Record<string, unknown> }> {
  const [dbInfo, tableInfo] = await db.query<[{ tables: Record<string, string> }, { fields: { name: string; permissions: unknown }[] }]>(
    `INFO FOR DB; INFO FOR TABLE ${table} STRUCTURE;`,
  );
  return {
    table: dbInfo.tables[table]!,
    fields: Object.fromEntries(tableInfo.fields.map((field) => [field.name, field.permissions])),
  };
}
