// A process's resident memory (VmRSS, from /proc), sampled every second while a measure runs.
import { rssMbOf } from './runnerProcesses.js';

export interface RssSample {
  /** Seconds since the sampler started. */
  s: number;
  rssMb: number;
}

export interface RssSampler {
  samples: RssSample[];
  maxMb(): number;
  lastMb(): number;
  /** Stops sampling; returns the samples. */
  stop(): RssSample[];
}

export function sampleRss(pid: number, everyMs = 1_000): RssSampler {
  const t0 = Date.now();
  const samples: RssSample[] = [];
  const take = () => {
    try {
      samples.push({ s: Math.round((Date.now() - t0) / 100) / 10, rssMb: Math.round(rssMbOf(pid) * 10) / 10 });
    } catch {
      // The process has exited: nothing to read.
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    maxMb: () => Math.max(0, ...samples.map((x) => x.rssMb)),
    lastMb: () => samples.at(-1)?.rssMb ?? 0,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Every `stepS`-th second of a series, for a results file that stays readable. */
export function thinned(samples: readonly RssSample[], stepS = 10): RssSample[] {
  let next = 0;
  return samples.filter((x, i) => {
    if (x.s < next && i !== samples.length - 1) return false;
    next = x.s + stepS;
    return true;
  });
}
