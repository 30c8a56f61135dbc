// JobsBackend over the dev instance's control endpoint (see controlServer.ts).
import type { KillOutcome, RetryOutcome } from '../../core/interfaces.js';
import { UnreachableError } from '../../core/errors.js';
import { RemoteOperationError, oneLine } from './cliErrors.js';
import type { DevFile } from './devFile.js';
import type {
  BackendInfo,
  ClearOptions,
  ClearPreview,
  ClearPreviewOptions,
  EnqueueRequest,
  JobStats,
  JobView,
  JobsBackend,
  ListOptions,
  QueueView,
} from './jobsBackend.js';

/** Longer than JobsClient.kill's 30 s wait for the workflow to mirror the kill. */
const REQUEST_TIMEOUT_MS = 45_000;

export class RemoteJobs implements JobsBackend {
  constructor(
    private readonly dev: Pick<DevFile, 'controlUrl' | 'token'>,
    /** Where the address came from, for messages (e.g. `.data/dev.json`). */
    private readonly source: string,
  ) {}

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const url = `${this.dev.controlUrl}/v1${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.dev.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (cause) {
      const timedOut = (cause as Error).name === 'TimeoutError';
      throw new UnreachableError(
        `cannot reach the dev instance at ${this.dev.controlUrl} (from ${this.source}): ` +
          (timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : oneLine(errorText(cause))) +
          '. Is `spooky-temporal dev` (npm start) still running? Start it, or use a database directly with --url / SURREAL_URL',
        { cause },
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as { error?: { kind?: string; message?: string; matches?: string[] } } | undefined)?.error;
      throw new RemoteOperationError(
        error?.kind ?? `http-${response.status}`,
        error?.message ?? `the dev instance answered HTTP ${response.status} to ${method} ${path}`,
        error?.matches,
      );
    }
    return parsed as T;
  }

  info(): Promise<BackendInfo> {
    return this.#call<BackendInfo>('GET', '/info');
  }

  async list(options: ListOptions = {}): Promise<JobView[]> {
    const query = new URLSearchParams();
    if (options.status) query.set('status', options.status);
    if (options.table) query.set('table', options.table);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const suffix = query.size ? `?${query.toString()}` : '';
    return (await this.#call<{ jobs: JobView[] }>('GET', `/jobs${suffix}`)).jobs;
  }

  async get(ref: string): Promise<JobView> {
    return (await this.#call<{ job: JobView }>('GET', `/jobs/${encodeURIComponent(ref)}`)).job;
  }

  kill(ref: string): Promise<KillOutcome> {
    return this.#call<KillOutcome>('POST', `/jobs/${encodeURIComponent(ref)}/kill`, {});
  }

  retry(ref: string): Promise<RetryOutcome> {
    return this.#call<RetryOutcome>('POST', `/jobs/${encodeURIComponent(ref)}/retry`, {});
  }

  async clear(options: ClearOptions = {}): Promise<Record<string, number>> {
    const body = {
      all: options.all ?? false,
      ...(options.olderThanMs !== undefined ? { olderThanMs: options.olderThanMs } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
    };
    const answer = await this.#call<{ deleted?: Record<string, number>; wouldDelete?: Record<string, number> }>('POST', '/clear', body);
    return (options.dryRun ? answer.wouldDelete : answer.deleted) ?? {};
  }

  async previewClear(options: ClearPreviewOptions = {}): Promise<ClearPreview> {
    const body = {
      dryRun: true,
      ...(options.olderThanMs !== undefined ? { olderThanMs: options.olderThanMs } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    };
    const { cutoff, wouldDelete, jobs } = await this.#call<ClearPreview>('POST', '/clear', body);
    return { ...(cutoff ? { cutoff } : {}), wouldDelete, jobs };
  }

  async enqueue(request: EnqueueRequest): Promise<string> {
    return (await this.#call<{ id: string }>('POST', '/jobs', request)).id;
  }

  stats(): Promise<JobStats> {
    return this.#call<JobStats>('GET', '/stats');
  }

  async queues(): Promise<QueueView[]> {
    return (await this.#call<{ queues: QueueView[] }>('GET', '/queues')).queues;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
