// Record users, as app users are in a Sp00ky app: signed in through the SDK (`DEFINE ACCESS …
// TYPE RECORD`, one SDK session each on the embedded engine), under the job table permissions
// the README declares, read from the README itself. The runner signs in as a database user.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RecordId, Surreal, SurrealSession } from 'surrealdb';
import { signInSurreal } from '../../src/adapters/db/connect.js';
import { deploySchema } from '../../src/adapters/db/deploySchema.js';
import type { DevServer } from '../../src/adapters/temporal/devServer.js';
import type { Runner } from '../../src/app/runner/createRunner.js';
import { startTestBackend, type TestBackend } from '../helpers/backend.js';
import { openTestDb, startRunner, startTemporal, testConfig, waitFor } from '../helpers/harness.js';
import { readmeBlocks } from '../helpers/readmeBlocks.js';
import { APP_SCHEMA, RUNNER_USER, forgedCreates, forgedUpdates, permissionsOf, sp00kyTableRule } from '../helpers/recordUserApp.js';

const [BLOCK, ...more] = readmeBlocks('Record users: the permissions an app declares', 'surql');
assert.ok(BLOCK !== undefined && more.length === 0, 'the README section has exactly one surql block');

interface AppUser {
  session: SurrealSession;
  threads: [RecordId, RecordId];
}

interface App {
  db: Surreal;
  namespace: string;
  database: string;
  alice: AppUser;
  bob: AppUser;
}

const apps: Surreal[] = [];

/** A fresh database with the app's users and threads and the given job table definition. */
async function openApp(jobTable: string, options: { deploy: boolean }): Promise<App> {
  const { db, namespace, database } = await openTestDb();
  apps.push(db);
  await db.query(APP_SCHEMA + RUNNER_USER.define + jobTable);
  if (options.deploy) await deploySchema(db, ['job']);
  const user = async (name: string): Promise<AppUser> => {
    const credentials = { namespace, database, access: 'account', variables: { name, password: `${name}-secret-1` } };
    const signup = await db.newSession();
    await signup.signup(credentials);
    await signup.closeSession();
    const session = await db.newSession();
    await session.signin(credentials);
    const [threads] = await session.query<[{ id: RecordId }[]]>('INSERT INTO thread [{ author: $auth.id }, { author: $auth.id }] RETURN id');
    assert.equal(threads.length, 2, `${name} creates two threads`);
    return { session, threads: [threads[0]!.id, threads[1]!.id] };
  };
  return { db, namespace, database, alice: await user('alice'), bob: await user('bob') };
}

/** A job row as Sp00ky's db.run() writes it, plus `extra`; the ids created (none if refused). */
async function enqueueAs(user: AppUser, extra: Record<string, unknown> = {}, thread = user.threads[0]): Promise<RecordId[]> {
  const content = { path: '/echo', payload: JSON.stringify({ from: 'a user' }), max_retries: 0, retry_strategy: 'linear', status: 'pending', assigned_to: thread, ...extra };
  const [rows] = await user.session.query<[{ id: RecordId }[]]>('CREATE job CONTENT $content RETURN id', { content });
  return rows.map((row) => row.id);
}

/** The row as the runner sees it, as JSON: record ids and datetimes compared by value. */
async function rowAsSystem(db: Surreal, id: RecordId): Promise<Record<string, unknown> | undefined> {
  const [rows] = await db.query<[Record<string, unknown>[]]>('SELECT * FROM $id', { id });
  return rows[0] && (JSON.parse(JSON.stringify(rows[0])) as Record<string, unknown>);
}

async function countJobs(db: Surreal): Promise<number> {
  const [rows] = await db.query<[{ n: number }[]]>('SELECT count() AS n FROM job GROUP ALL');
  return rows[0]?.n ?? 0;
}

after(async () => {
  for (const db of apps) await db.close().catch(() => undefined);
});

void describe('permissions of the README block', () => {
  void test('users see and delete only the jobs of their own threads, and create jobs for their own threads only', async () => {
    const { db, alice, bob } = await openApp(BLOCK, { deploy: true });
    const [aliceJob] = await enqueueAs(alice);
    const [bobJob] = await enqueueAs(bob);
    assert.ok(aliceJob && bobJob);

    const [aliceSees] = await alice.session.query<[{ id: RecordId }[]]>('SELECT id FROM job');
    assert.deepEqual(aliceSees.map((r) => String(r.id)), [String(aliceJob)]);
    const [bobSees] = await bob.session.query<[{ id: RecordId }[]]>('SELECT id FROM job');
    assert.deepEqual(bobSees.map((r) => String(r.id)), [String(bobJob)]);
    const [byId] = await bob.session.query<[unknown[]]>('SELECT * FROM $id', { id: aliceJob });
    assert.deepEqual(byId, [], "bob cannot read alice's job by its id");

    assert.deepEqual(await enqueueAs(alice, {}, bob.threads[0]), [], "alice cannot enqueue on bob's thread");
    assert.equal(await countJobs(db), 2);

    await bob.session.query('DELETE $id', { id: aliceJob });
    assert.ok(await rowAsSystem(db, aliceJob), "bob cannot delete alice's job");
    await alice.session.query('DELETE $id', { id: aliceJob });
    assert.equal(await rowAsSystem(db, aliceJob), undefined, 'alice deletes her own job');
  });

  void test('a create that is not a new pending job is refused: a status, attempts, errors, a run, a result, a kill, an assignee or a schedule given', async () => {
    const { db, alice } = await openApp(BLOCK, { deploy: true });
    assert.equal((await enqueueAs(alice)).length, 1, 'a new job as db.run() writes it is accepted');
    assert.equal((await enqueueAs(alice, { idempotency_key: 'alice-1', priority: 2, queue: 'emails', fairness_key: 'alice', delay: 10, timeout: 5 })).length, 1, 'with the options users choose');
    for (const [name, fields] of Object.entries(forgedCreates())) {
      assert.deepEqual(await enqueueAs(alice, fields), [], `a create with ${name} is refused`);
    }
    assert.equal(await countJobs(db), 2, 'no refused create left a row');
  });

  for (const [ruleName, jobTable] of [
    ['the README block', () => BLOCK],
    ["the README block under Sp00ky's table rule, which lets owners update (the field permissions alone hold)", () => sp00kyTableRule(BLOCK)],
  ] as const) {
    void test(`no user changes a job once created, under ${ruleName}: status, retries, errors, result, run, kill_requested_at, idempotency_key nor any other field`, async () => {
      const { db, alice } = await openApp(jobTable(), { deploy: true });
      const [id] = await enqueueAs(alice, { idempotency_key: 'alice-job-1' });
      assert.ok(id);
      // The runner's writes of an attempt that failed and was retried, then finished.
      await db.query(
        `UPDATE $id SET status = 'success', retries = 1, errors = [{ code: 503, reason: 'busy', attempt: 1 }],
           result = { ok: true }, assignee = 'runner-1', updated_at = time::now()`,
        { id },
      );
      const before = await rowAsSystem(db, id);
      const forged = Object.entries(forgedUpdates(alice.threads[1]));
      for (const [name, statement] of forged) {
        await alice.session.query(statement, { id }).catch(() => undefined); // refused or ignored: either is fine
        assert.deepEqual(await rowAsSystem(db, id), before, `alice's ${name} changed nothing`);
      }
      // Each of those writes does change a row when a system user makes it (none is a no-op by mistake).
      const [fields] = await db.query<[Record<string, unknown>]>('SELECT * OMIT id, idempotency_key FROM ONLY $id', { id });
      for (const [name, statement] of forged) {
        const [[twin]] = await db.query<[{ id: RecordId }[]]>('CREATE job CONTENT $fields RETURN id', { fields });
        const unchanged = await rowAsSystem(db, twin!.id);
        await db.query(statement, { id: twin!.id }).catch((error: unknown) => assert.fail(`${name} as a system user: ${String(error)}`));
        assert.notDeepEqual(await rowAsSystem(db, twin!.id), unchanged, `${name} as a system user changes the row`);
        await db.query('DELETE $id', { id: twin!.id }); // frees the idempotency key it may have taken
      }
    });
  }

  void test("the table rule alone keeps users from changing a field the app adds later without PERMISSIONS", async () => {
    const { db, alice } = await openApp(`${BLOCK}\nDEFINE FIELD note ON job TYPE option<string>;`, { deploy: true });
    const [id] = await enqueueAs(alice, { note: 'as created' });
    assert.ok(id);
    await alice.session.query("UPDATE $id SET note = 'changed by alice'", { id });
    assert.equal((await rowAsSystem(db, id))?.['note'], 'as created');
    await db.query("UPDATE $id SET note = 'changed by the system'", { id });
    assert.equal((await rowAsSystem(db, id))?.['note'], 'changed by the system');
  });

  void test('record users cannot call fn::job::kill or fn::job::retry, on their own jobs either', async () => {
    const { db, alice } = await openApp(BLOCK, { deploy: true });
    const [id] = await enqueueAs(alice);
    const before = await rowAsSystem(db, id!);
    for (const fn of ['kill', 'retry']) {
      await assert.rejects(alice.session.query(`RETURN fn::job::${fn}($id)`, { id }), new RegExp(`permission to run the fn::fn::job::${fn} function`));
    }
    assert.deepEqual(await rowAsSystem(db, id!), before);
  });

  void test('schema deploy keeps every permission the block declares (the fields it reshapes too), and users can still enqueue', async () => {
    const { db, alice } = await openApp(BLOCK, { deploy: false });
    const declared = await permissionsOf(db, 'job');
    await deploySchema(db, ['job']);
    assert.deepEqual(await permissionsOf(db, 'job'), declared);
    assert.equal((await enqueueAs(alice)).length, 1);
  });
});

void describe('a record user and the runner', () => {
  let temporal: DevServer;
  let backend: TestBackend;
  let app: App;
  let runner: Runner;

  before(async () => {
    [temporal, backend] = await Promise.all([startTemporal(), startTestBackend()]);
    app = await openApp(BLOCK, { deploy: false });
    await signInSurreal(app.db, RUNNER_USER.config(app.namespace, app.database));
    runner = await startRunner({
      db: app.db,
      config: testConfig(temporal, backend.url),
      deploySchema: true,
      // No reconciliation pass during the test: a job created after start is seen by the LIVE SELECT or not at all.
      bridge: { reconcileIntervalMs: 600_000 },
    });
  });

  after(async () => {
    await runner?.stop();
    await backend?.close();
    await temporal?.stop();
  });

  void test("a user's job runs end to end: seen by the runner's LIVE SELECT as a database user, sent to the backend, and read as success by its owner only", async () => {
    const { db, alice, bob } = app;
    const [who] = await db.query<[unknown[]]>('RETURN [$token.ID, $token.DB, $access, $auth]');
    assert.deepEqual(who, ['runner', app.database, undefined, undefined], "the runner's connection is the database user runner, not a record user");

    const [id] = await enqueueAs(alice, { payload: JSON.stringify({ hello: 'from alice' }) });
    assert.ok(id);
    const request = await waitFor('the backend to receive alice\'s job', () => backend.requestsFor(String(id))[0], 15_000);
    assert.deepEqual(request.body, { hello: 'from alice' });

    const seen = await waitFor('alice to read her job as success', async () => {
      const [rows] = await alice.session.query<[Record<string, unknown>[]]>('SELECT * FROM $id', { id });
      return rows[0]?.['status'] === 'success' ? rows[0] : undefined;
    }, 15_000);
    assert.deepEqual(seen['result'], { ok: true, echo: { hello: 'from alice' } });
    assert.equal(seen['errors'], undefined, 'error entries are hidden from users');
    assert.equal(seen['assignee'], undefined, "the runner's name is hidden from users");
    assert.ok((await rowAsSystem(db, id))?.['assignee'], 'the runner wrote its name');

    const [bobSees] = await bob.session.query<[unknown[]]>('SELECT * FROM job');
    assert.deepEqual(bobSees, [], "bob sees none of alice's jobs");

    // A system user may retry it (record users may not: see above); the row's new run succeeds.
    const [retried] = await db.query<[{ outcome: string; run: number }]>('RETURN fn::job::retry($id)', { id });
    assert.deepEqual(retried, { outcome: 're-enqueued', run: 2 });
    await waitFor('alice to read run 2 as success', async () => {
      const [rows] = await alice.session.query<[Record<string, unknown>[]]>('SELECT status, run FROM $id', { id });
      return rows[0]?.['status'] === 'success' && rows[0]['run'] === 2;
    }, 15_000);
    assert.equal(backend.requestsFor(String(id)).length, 2);
  });

  void test('a user stops a job not sent yet by deleting its row: the backend is never called', async () => {
    const { alice } = app;
    const [id] = await enqueueAs(alice, { delay: 1_500 });
    assert.ok(id);
    const handle = runner.client.workflow.getHandle(String(id));
    await waitFor('the job\'s workflow to start', () => handle.describe().then(() => true), 10_000);
    await alice.session.query('DELETE $id', { id });
    await waitFor('the workflow to end', async () => (await handle.describe()).status.name !== 'RUNNING', 15_000);
    const outcome = (await handle.result()) as { status: string; rowStatus?: string };
    assert.equal(outcome.status, 'fenced', JSON.stringify(outcome));
    assert.equal(backend.requestsFor(String(id)).length, 0);
  });
});
