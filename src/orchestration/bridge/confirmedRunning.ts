// Rows known to have a running workflow, with when that was last confirmed, so reconciliation
// does not send a start per waiting row on every pass.
import { workflowIdFor } from '../../core/workflowId.js';

export class ConfirmedRunning {
  readonly #confirmedAt = new Map<string, number>();

  has(key: string): boolean {
    return this.#confirmedAt.has(key);
  }

  confirm(key: string): void {
    this.#confirmedAt.set(key, Date.now());
  }

  /** Drops confirmations older than `ageMs`, so those rows are checked again. */
  forgetOlderThan(ageMs: number): void {
    const before = Date.now() - ageMs;
    for (const [key, at] of this.#confirmedAt) if (at < before) this.#confirmedAt.delete(key);
  }
}

/**
 * The key a row is confirmed under: its workflow id, or on a table without `run` its job id and
 * created_at (which that table's definition recomputes on every write, so a re-enqueued row is
 * looked at again).
 */
export function confirmationKey(hasRunField: boolean, jobId: string, run: unknown, createdAt: Date | undefined): string {
  return hasRunField ? workflowIdFor(jobId, typeof run === 'number' ? run : 1) : `${jobId}@${createdAt?.getTime() ?? ''}`;
}
