import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** Clock ticks of /proc's CPU times: 100 per second on Linux. */
const TICK_MS = 10;
/** The window of a run in which wrk's scheduling is sampled: after its connections opened, before it stops. */
const WINDOW_START_MS = 250;
const WINDOW_END_MARGIN_MS = 150;

/** How hard one wrk run worked its CPU. */
export interface GeneratorLoad {
  /** wrk's CPU time over the run's wall time. */
  cpuShare: number;
  /**
   * The share of a window inside the run in which wrk's threads ran or waited to run
   * (/proc/<pid>/task/<tid>/schedstat): below 1, wrk sat waiting for the server's answers the
   * rest of the time, whatever else ran on its CPU. Absent when the run was too short.
   */
  demand?: number;
  /** How busy wrk's CPU was in all: wrk, the kernel's loopback work, any other process. */
  coreBusy?: number;
}

/**
 * Measures one wrk run from the bench process: started before wrk is spawned, told wrk's pid,
 * finished once wrk has exited and been waited for.
 */
export class GeneratorProbe {
  private demand: Promise<number | undefined> = Promise.resolve(undefined);

  private constructor(
    private readonly cpu: number | undefined,
    private readonly childrenMs: number,
    private readonly core: CpuTicks | undefined,
    private readonly startedAt: number,
  ) {}

  /** Reads the counters before the run; `cpu` is the one wrk is pinned to, if any. */
  static async start(cpu?: number): Promise<GeneratorProbe> {
    const core = cpu === undefined ? undefined : await cpuTicks(cpu);
    return new GeneratorProbe(cpu, await childrenCpuMs(), core, performance.now());
  }

  /** Samples wrk's scheduling inside a run of `seconds`. */
  watch(pid: number | undefined, seconds: number): void {
    const windowMs = seconds * 1000 - WINDOW_START_MS - WINDOW_END_MARGIN_MS;
    if (pid !== undefined && windowMs >= 300) this.demand = demandOf(pid, windowMs);
  }

  /** The run's figures; call once wrk has exited. */
  async finish(): Promise<GeneratorLoad> {
    const wallMs = performance.now() - this.startedAt;
    const cpuMs = (await childrenCpuMs()) - this.childrenMs;
    const demand = await this.demand;
    const after = this.cpu === undefined ? undefined : await cpuTicks(this.cpu);
    const before = this.core;
    return {
      cpuShare: cpuMs / wallMs,
      ...(demand === undefined ? {} : { demand }),
      ...(before && after
        ? { coreBusy: (after.busy - before.busy) / Math.max(after.total - before.total, 1) }
        : {}),
    };
  }
}

/**
 * CPU time of this process's children that have been waited for (cutime + cstime of
 * /proc/self/stat), in ms: wrk is the only child that exits while the bench measures, so the
 * difference over one run is wrk's CPU time.
 */
async function childrenCpuMs(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

interface CpuTicks {
  busy: number;
  total: number;
}

/** Busy and total ticks of one CPU, from /proc/stat (idle and iowait count as idle). */
async function cpuTicks(cpu: number): Promise<CpuTicks> {
  const stat = await readFile('/proc/stat', 'utf8');
  const line = stat.split('\n').find((l) => l.startsWith(`cpu${cpu} `));
  const ticks = (line ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** Running plus waiting time of all of a process's threads, in ns; undefined once it is gone. */
async function scheduled(pid: number): Promise<number | undefined> {
  try {
    const tasks = await readdir(`/proc/${pid}/task`);
    let ns = 0;
    for (const tid of tasks) {
      const [running, waiting] = (await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'))
        .trim()
        .split(' ')
        .map(Number);
      ns += running + waiting;
    }
    return ns;
  } catch {
    return undefined;
  }
}

async function demandOf(pid: number, windowMs: number): Promise<number | undefined> {
  await delay(WINDOW_START_MS);
  const before = await scheduled(pid);
  const from = performance.now();
  await delay(windowMs);
  const after = await scheduled(pid);
  const elapsedMs = performance.now() - from;
  if (before === undefined || after === undefined) return undefined;
  return (after - before) / 1e6 / elapsedMs;
}
