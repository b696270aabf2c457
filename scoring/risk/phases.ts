/**
 * Wall and CPU time per phase of a scoring run (features SQL, read, JS assembly, prediction, reasons,
 * customer scores, writes), so a benchmark can say where the time goes. CPU time is the whole process's
 * (process.cpuUsage counts DuckDB's worker threads too), which is what "CPU-seconds on 2 cores" means.
 * Optional everywhere: scoring without a clock records nothing and costs nothing.
 */
export interface PhaseTiming {
  readonly phase: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

export class PhaseClock {
  readonly timings: PhaseTiming[] = [];

  /** Times one async phase; a phase that runs more than once accumulates under its name. */
  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    const c = process.cpuUsage();
    try {
      return await fn();
    } finally {
      this.add(phase, performance.now() - t, c);
    }
  }

  timeSync<T>(phase: string, fn: () => T): T {
    const t = performance.now();
    const c = process.cpuUsage();
    try {
      return fn();
    } finally {
      this.add(phase, performance.now() - t, c);
    }
  }

  private add(phase: string, wallMs: number, start: NodeJS.CpuUsage): void {
    const d = process.cpuUsage(start);
    const cpuMs = (d.user + d.system) / 1000;
    const i = this.timings.findIndex((p) => p.phase === phase);
    if (i < 0) this.timings.push({ phase, wallMs, cpuMs });
    else {
      const p = this.timings[i] as PhaseTiming;
      this.timings[i] = { phase, wallMs: p.wallMs + wallMs, cpuMs: p.cpuMs + cpuMs };
    }
  }
}

/** `clock.time` when a clock is given, else just the call. */
export function timed<T>(clock: PhaseClock | undefined, phase: string, fn: () => Promise<T>): Promise<T> {
  return clock ? clock.time(phase, fn) : fn();
}

export function timedSync<T>(clock: PhaseClock | undefined, phase: string, fn: () => T): T {
  return clock ? clock.timeSync(phase, fn) : fn();
}
