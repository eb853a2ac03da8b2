// Separate CPUs for the benchmark server and the load generator. Left to the scheduler, the two
// processes trade places on a small machine's cores mid-run, and the server's CPU per request
// rises with it, the save's more than the no-op's: a cost of the benchmark's setup, not of the
// service (on 2 vCPUs, pinned runs gave the save a higher share in each of 5 interleaved rounds).
// On Linux, util-linux's `taskset` gives the server the last CPU this process may use and keeps
// the generator on the others; without it (another platform, a single allowed CPU) the load runs
// unpinned and the results say so.
import { execFileSync } from "node:child_process";

export interface CpuSplit {
  server: number[];
  generator: number[];
}

/** A CPU list as taskset prints and takes it ("0-3,6"), as CPU numbers. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new Error(`Not a CPU list: "${list}"`);
    const first = Number(range[1]);
    const last = Number(range[2] ?? range[1]);
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs this process may run on, or undefined where taskset cannot tell. */
export function allowedCpus(): number[] | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // "pid 123's current affinity list: 0,1"
    const out = execFileSync("taskset", ["-c", "-p", String(process.pid)], { encoding: "utf8" });
    return parseCpuList(out.slice(out.lastIndexOf(":") + 1));
  } catch {
    return undefined;
  }
}

/** The last allowed CPU for the server, the rest for the generator; none below two CPUs. */
export function cpuSplit(allowed: number[] | undefined): CpuSplit | undefined {
  if (!allowed || allowed.length < 2) return undefined;
  return { server: allowed.slice(-1), generator: allowed.slice(0, -1) };
}

/** A command line that runs `command` on `cpus` only. */
export function onCpus(cpus: number[], command: string, args: string[]): [string, string[]] {
  return ["taskset", ["-c", cpus.join(","), command, ...args]];
}

/** Keeps every thread of this process on `cpus`. */
export function pinThisProcess(cpus: number[]): void {
  execFileSync("taskset", ["-a", "-c", "-p", cpus.join(","), String(process.pid)], {
    stdio: "ignore",
  });
}
