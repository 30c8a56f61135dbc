// Typed errors. Every message says what was expected and how to fix it,
// and none of them ever carries a secret (tokens, passwords).
import type { JobErrorEntry, JobRow } from './interfaces.js';

export class SpookyTemporalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The configuration (sp00ky.yml, SPKY_JOB_CONFIG, environment, object) is invalid. */
export class ConfigError extends SpookyTemporalError {
  constructor(
    /** File or variable the bad value came from. */
    readonly source: string,
    /** Dotted key of the bad value, e.g. `apps.api.deploy.timeout`. */
    readonly key: string,
    /** What was expected, and how to fix it. */
    readonly expected: string,
  ) {
    super(`${source}: ${key || '(root)'}: ${expected}`);
  }
}

/** A job row cannot run at all (unknown backend, undeclared path, payload against the schema, ...). */
export class InvalidJobError extends SpookyTemporalError {
  constructor(
    readonly jobId: string,
    readonly reason: string,
    /**
     * The enqueued value at fault when it is out of range for the backend (`payload`, `delay`,
     * `timeout`, `max_retries`, `idempotency_key`); the CLI treats these as bad usage (exit 2).
     */
    readonly field?: string,
  ) {
    super(`job ${jobId} cannot run: ${reason}`);
  }
}

/** A job path would leave the backend's base URL, or is not declared by its OpenAPI spec. */
export class UnsafePathError extends SpookyTemporalError {}

/** No job has that id (or the prefix matches none). */
export class JobNotFoundError extends SpookyTemporalError {
  constructor(readonly jobId: string) {
    super(`no job ${jobId}: expected an id like job:abc123 (table:key) of an existing row; list jobs to find it`);
  }
}

/** The operation needs the job in another state (e.g. retry of a pending job). */
export class JobStateError extends SpookyTemporalError {
  constructor(
    readonly jobId: string,
    readonly status: string,
    expected: string,
  ) {
    super(`job ${jobId} is ${status}: ${expected}`);
  }
}

/** A dependency (SurrealDB, Temporal, the temporal CLI) cannot be reached or started. */
export class UnreachableError extends SpookyTemporalError {}

/**
 * The TLS handshake with Temporal or SurrealDB failed for a reason a retry cannot fix (an
 * untrusted server certificate, a client certificate required or refused, TLS against a
 * plaintext server): the message names the setting to change.
 */
export class TlsHandshakeError extends SpookyTemporalError {
  constructor(
    /** `Temporal` or `SurrealDB`. */
    readonly service: string,
    readonly address: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Temporal refused the API key, or SurrealDB the user's signin. Never carries the secret. */
export class CredentialsRefusedError extends SpookyTemporalError {
  constructor(
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `handle.wait()`: the job ended `failed` after its attempts; `errors` is its whole error history. */
export class JobFailedError extends SpookyTemporalError {
  constructor(
    readonly jobId: string,
    readonly errors: readonly JobErrorEntry[],
    readonly row: JobRow,
  ) {
    const last = errors.at(-1);
    super(`job ${jobId} failed${last ? ` on attempt ${last.attempt}: [${last.code}] ${last.reason}` : ''}; retry it to run it again`);
  }
}

/** `handle.wait()`: the job was killed (before or during its call). */
export class JobKilledError extends SpookyTemporalError {
  constructor(
    readonly jobId: string,
    readonly row: JobRow,
  ) {
    super(`job ${jobId} was killed; retry it to run it again`);
  }
}

/** `handle.wait({ timeout })`: the job had not finished in time. It keeps running. */
export class WaitTimeoutError extends SpookyTemporalError {
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
    readonly status: string,
  ) {
    super(`job ${jobId} is still ${status} after ${timeoutMs} ms: wait longer, or check it with jobs get`);
  }
}

/** No schedule of that name (or it is not one of ours). */
export class ScheduleNotFoundError extends SpookyTemporalError {
  constructor(readonly scheduleName: string) {
    super(`no schedule named ${JSON.stringify(scheduleName)}: \`spooky-temporal schedules list\` shows the schedules`);
  }
}

/** A schedule of that name exists already. */
export class ScheduleExistsError extends SpookyTemporalError {
  constructor(
    readonly scheduleName: string,
    /** An existing schedule whose name differs only in - and _ (their jobs would share row ids). */
    readonly existingName = scheduleName,
  ) {
    super(
      existingName === scheduleName
        ? `a schedule named ${JSON.stringify(scheduleName)} exists already: pick another name, or delete it first`
        : `a schedule named ${JSON.stringify(existingName)} exists already, and ${JSON.stringify(scheduleName)} would share its jobs' row ids ` +
            '(names differing only in - and _ count as the same): pick another name, or delete it first',
    );
  }
}

/** A SurrealDB call did not answer in time: the connection is reopened, and the caller may try again. */
export class DatabaseTimeoutError extends SpookyTemporalError {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(
      `SurrealDB did not answer a ${method} call within ${Math.round(timeoutMs / 100) / 10} s: the server is overloaded, ` +
        `stalled or unreachable. The connection is reopened and the step is retried; if this repeats, check the database ` +
        `server and the network to it.`,
    );
  }
}

/** A worker of the runner stopped with an error outside stop(): the process must be restarted. */
export class WorkerFailedError extends SpookyTemporalError {
  constructor(cause: Error) {
    super(`a worker stopped with an error, so this runner stopped: ${cause.message}. Check the Temporal server and namespace, then start it again`, { cause });
  }
}

/** A payload could not be encrypted or decrypted (unknown key id, a different key under that id). Never carries key material. */
export class PayloadCodecError extends SpookyTemporalError {}
