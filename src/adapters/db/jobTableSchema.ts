// SurrealQL for one outbox table and the operator functions. Safe to run again:
// fields the app may have defined itself (its own permissions, `assigned_to` type) are left
// alone with IF NOT EXISTS; the ones whose shape must be right for the runner are ALTERed,
// which keeps the app's PERMISSIONS and COMMENT on them (OVERWRITE would reset its permissions):
// - created_at: DEFAULT ... READONLY, set once (the seed's VALUE time::now() moves the delay window),
// - result, run, kill_requested_at: the runner's own fields.
// errors[*] is OVERWRITTEN as a FLEXIBLE object (else SCHEMAFULL rejects error entries).
import { escapeIdent } from './tableShape.js';

const readOnlyForUsers = 'PERMISSIONS FOR create, select WHERE true FOR update WHERE false';
const systemOnly = 'PERMISSIONS FOR select WHERE true FOR create, update WHERE false';

/** Defines the field if missing; else gives it this shape and keeps its permissions. */
function runnerField(t: string, field: string, shape: string, permissions: string): string {
  const drops = ['DROP VALUE', 'DROP ASSERT', ...(shape.includes('DEFAULT') ? [] : ['DROP DEFAULT']), ...(shape.includes('READONLY') ? [] : ['DROP READONLY'])];
  return `DEFINE FIELD IF NOT EXISTS ${field} ON ${t} ${shape} ${permissions};
ALTER FIELD ${field} ON ${t} ${shape} ${drops.join(' ')};`;
}

export function jobTableSchema(tableName: string, existingSchemaless = false): string {
  const t = escapeIdent(tableName);
  // FLEXIBLE exists only on SCHEMAFULL tables; an app's existing schemaless table stores any object anyway.
  const flexibleErrors = existingSchemaless ? '' : `DEFINE FIELD OVERWRITE errors[*] ON ${t} TYPE object FLEXIBLE;`;
  return `
DEFINE TABLE IF NOT EXISTS ${t} SCHEMAFULL PERMISSIONS NONE;
DEFINE FIELD IF NOT EXISTS assigned_to ON ${t} TYPE option<record> ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS path ON ${t} TYPE string ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS payload ON ${t} TYPE any ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS retries ON ${t} TYPE int DEFAULT ALWAYS 0 ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS max_retries ON ${t} TYPE int DEFAULT ALWAYS 3 ASSERT $value >= 0;
DEFINE FIELD IF NOT EXISTS retry_strategy ON ${t} TYPE string DEFAULT ALWAYS "linear" ASSERT $value IN ["linear", "exponential"] ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS delay ON ${t} TYPE int DEFAULT ALWAYS 0 ASSERT $value >= 0 ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS timeout ON ${t} TYPE option<int> ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS assignee ON ${t} TYPE option<string> ${systemOnly};
DEFINE FIELD IF NOT EXISTS status ON ${t} TYPE string DEFAULT ALWAYS "pending" ASSERT $value IN ["pending", "processing", "success", "failed"] ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS errors ON ${t} TYPE array<object> DEFAULT ALWAYS [] PERMISSIONS FOR create WHERE true FOR select, update WHERE false;
${flexibleErrors}
DEFINE FIELD IF NOT EXISTS updated_at ON ${t} TYPE datetime DEFAULT ALWAYS time::now() ${readOnlyForUsers};
${runnerField(t, 'created_at', 'TYPE datetime DEFAULT ALWAYS time::now() READONLY', readOnlyForUsers)}
${runnerField(t, 'result', 'TYPE any', systemOnly)}
${runnerField(t, 'run', 'TYPE int DEFAULT ALWAYS 1', systemOnly)}
${runnerField(t, 'kill_requested_at', 'TYPE option<datetime>', systemOnly)}
DEFINE INDEX IF NOT EXISTS ${t}_status_created ON ${t} FIELDS status, created_at;
DEFINE FIELD IF NOT EXISTS idempotency_key ON ${t} TYPE option<string> ASSERT $value = NONE OR string::len($value) IN 1..=255 ${readOnlyForUsers};
DEFINE INDEX IF NOT EXISTS ${t}_idempotency_key ON ${t} FIELDS idempotency_key UNIQUE;
DEFINE FIELD IF NOT EXISTS priority ON ${t} TYPE int DEFAULT ALWAYS 3 ASSERT $value IN 1..=5 ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS queue ON ${t} TYPE option<string> ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS schedule ON ${t} TYPE option<string> ${systemOnly};
DEFINE FIELD IF NOT EXISTS fairness_key ON ${t} TYPE option<string> ASSERT $value = NONE OR string::len($value) IN 1..=255 ${readOnlyForUsers};
DEFINE FIELD IF NOT EXISTS traceparent ON ${t} TYPE option<string> ASSERT $value = NONE OR string::len($value) <= 64 ${readOnlyForUsers};
`;
}

// Both functions take any job record, so one definition serves every outbox table.
// `$access = NONE` admits system users (root, namespace and database users, the embedded
// session) and refuses record users, whose $access is their access method's name.
export const jobFunctionsSchema = `
DEFINE FUNCTION OVERWRITE fn::job::kill($id: record) {
  LET $job = (SELECT status, retries FROM ONLY $id);
  IF $job = NONE { THROW "no job " + <string> $id };
  IF $job.status IN ["success", "failed"] { RETURN { outcome: "already-finished", status: $job.status } };
  IF $job.status = "pending" {
    UPDATE $id SET status = "failed", kill_requested_at = time::now(), updated_at = time::now(),
      errors += [{ code: "killed", reason: "killed by operator", attempt: ($job.retries ?? 0) + 1, at: <string> time::now() }]
      WHERE status = "pending";
    RETURN { outcome: "killed", previous: "pending" };
  };
  UPDATE $id SET kill_requested_at = time::now(), updated_at = time::now();
  RETURN { outcome: "killed", previous: $job.status };
} PERMISSIONS WHERE $access = NONE;

DEFINE FUNCTION OVERWRITE fn::job::retry($id: record) {
  LET $job = (SELECT status, run FROM ONLY $id);
  IF $job = NONE { THROW "no job " + <string> $id };
  IF $job.status NOT IN ["success", "failed"] {
    THROW "job " + <string> $id + " is " + $job.status + ": only failed or success jobs can be retried";
  };
  LET $run = ($job.run ?? 1) + 1;
  UPDATE $id SET status = "pending", retries = 0, errors = [], result = NONE, assignee = NONE,
    kill_requested_at = NONE, run = $run, updated_at = time::now();
  RETURN { outcome: "re-enqueued", run: $run };
} PERMISSIONS WHERE $access = NONE;
`;
