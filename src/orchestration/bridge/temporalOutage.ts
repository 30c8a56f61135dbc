// Temporal unreachable while the bridge runs: one log line when it goes, none per row while it
// is gone (rows stay pending in their tables, where nothing is lost), a probe with backoff, and
// one line and a catch-up when it is back, so every row written meanwhile starts.
import { setTimeout as delay } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { isTemporalUnavailable, probeTemporal, unavailableReason } from '../../adapters/temporal/temporalUnavailable.js';
import type { BridgeContext } from './bridgeOptions.js';

export interface TemporalOutageOptions {
  /** Runs once Temporal answers again: the catch-up over the rows written meanwhile. */
  onBack: () => Promise<void>;
  stopSignal: AbortSignal;
  /** First wait between probes; doubles up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class TemporalOutage {
  readonly #ctx: BridgeContext;
  readonly #o: Required<TemporalOutageOptions>;
  #since: number | undefined;
  #probing: Promise<void> | undefined;
  #checking: Promise<void> | undefined;
  #lastSlowWarning = 0;

  constructor(ctx: BridgeContext, options: TemporalOutageOptions) {
    this.#ctx = ctx;
    this.#o = { baseDelayMs: 1_000, maxDelayMs: 10_000, ...options };
  }

  /** True while Temporal is known to be unreachable: rows wait for the catch-up that follows. */
  get down(): boolean {
    return this.#since !== undefined;
  }

  /** When Temporal was declared unreachable (epoch ms), while it is. */
  get downSinceMs(): number | undefined {
    return this.#since;
  }

  /**
   * Takes an error from a Temporal call; true when it looks like an outage (handled here, so the
   * caller logs nothing), false otherwise. A timeout can also mean a slow server: one probe
   * decides, and only a failed probe makes it an outage.
   */
  noteFailure(error: unknown): boolean {
    if (!isTemporalUnavailable(error)) return false;
    if (this.#since === undefined) this.#checking ??= this.#check(error).finally(() => (this.#checking = undefined));
    return true;
  }

  async #check(error: unknown): Promise<void> {
    try {
      await probeTemporal(this.#ctx.client, 5_000);
    } catch {
      if (this.#since !== undefined) return;
      this.#since = Date.now();
      this.#ctx.logger.error(
        { temporal: this.#address(), reason: unavailableReason(error) },
        'Temporal is unreachable: new jobs wait in their tables and start once it is back; retrying with backoff',
      );
      this.#ensureProbing();
      return;
    }
    // Temporal answers: the call was slow, not lost. The catch-up starts what it left behind.
    if (Date.now() - this.#lastSlowWarning > 60_000) {
      this.#lastSlowWarning = Date.now();
      this.#ctx.logger.warn({ temporal: this.#address(), reason: unavailableReason(error) }, 'a call to Temporal timed out while Temporal answers (overloaded?); catching up');
    }
    await this.#o.onBack().catch(() => undefined);
  }

  #ensureProbing(): void {
    this.#probing ??= this.#probeUntilBack().finally(() => {
      this.#probing = undefined;
      // Gone again between the loop's last check and now: keep probing.
      if (this.down && !this.#o.stopSignal.aborted) this.#ensureProbing();
    });
  }

  /** Resolves once no probe runs. */
  async idle(): Promise<void> {
    await this.#checking;
    await this.#probing;
  }

  async #probeUntilBack(): Promise<void> {
    let wait = this.#o.baseDelayMs;
    while (this.down && !this.#o.stopSignal.aborted) {
      await delay(wait, undefined, { signal: this.#o.stopSignal }).catch(() => undefined);
      if (this.#o.stopSignal.aborted) return;
      try {
        await probeTemporal(this.#ctx.client, 5_000);
      } catch (error) {
        this.#ctx.logger.debug({ err: error, retryInMs: wait }, 'Temporal still unreachable');
        wait = Math.min(wait * 2, this.#o.maxDelayMs);
        continue;
      }
      const downForMs = Date.now() - this.#since!;
      this.#since = undefined;
      wait = this.#o.baseDelayMs;
      this.#ctx.logger.info({ temporal: this.#address(), downForMs }, 'Temporal is reachable again; starting the jobs written meanwhile');
      // A failure that is another outage sets `down` again, and this loop goes on.
      await this.#o.onBack().catch((error: unknown) => {
        if (!this.noteFailure(error)) this.#ctx.logger.error({ err: error }, 'catch-up after the Temporal outage failed; reconciliation will try again');
      });
    }
  }

  #address(): string {
    return (this.#ctx.client.connection as Connection).options?.address ?? 'the configured address';
  }
}
