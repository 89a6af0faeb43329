import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { Store } from '../store/port.js';

/**
 * Where a job's time went, measured only when asked (the benchmark asks): wall milliseconds on
 * the job's own thread, by phase. `scan` is the first pass over the file; in the second, `read`
 * turns bytes into records, `parse` records into typed rows, `lookups` is the time spent waiting
 * for reference data, `rules` the profile's checks, `writes` the chunk commits; `other` is the
 * rest (job updates, heartbeats). `gc` is the garbage collector's pauses, inside the phases.
 */
export const PHASES = ['scan', 'read', 'parse', 'lookups', 'rules', 'writes', 'other'] as const;
export type Phase = (typeof PHASES)[number];
export type PhaseTimes = Record<Phase | 'gc', number>;

export function noPhaseTimes(): PhaseTimes {
  return { scan: 0, read: 0, parse: 0, lookups: 0, rules: 0, writes: 0, other: 0, gc: 0 };
}

/**
 * A lap clock: `lap(phase)` books the time since the previous lap to `phase`. Without times to
 * fill it does nothing, so the runner calls it unconditionally at no cost.
 */
export class PhaseClock {
  private last = performance.now();
  private gc: PerformanceObserver | null = null;
  /** True while the profile's rules run: their store lookups are booked as lookups. */
  inRules = false;

  constructor(readonly times: PhaseTimes | undefined) {
    if (!times) return;
    this.gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) times.gc += entry.duration;
    });
    this.gc.observe({ entryTypes: ['gc'] });
  }

  lap(phase: Phase): void {
    if (!this.times) return;
    const now = performance.now();
    this.times[phase] += now - this.last;
    this.last = now;
  }

  stop(): void {
    this.lap('other');
    this.gc?.disconnect();
  }

  /** The store as the profile sees it: when measuring, lookups made by the rules are timed apart. */
  storeFor(store: Store): Store {
    if (!this.times) return store;
    return new Proxy(store, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || typeof name !== 'string' || !name.startsWith('find')) return value;
        return async (...args: unknown[]) => {
          if (!this.inRules) return value.apply(target, args);
          this.lap('rules');
          try {
            return await value.apply(target, args);
          } finally {
            this.lap('lookups');
          }
        };
      },
    });
  }
}
