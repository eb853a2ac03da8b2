// Where a process's time went, from a V8 CPU profile (the .cpuprofile `node --cpu-prof` writes):
// each sample's own time, summed by the part of the program it ran in, within a time window.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The parts of a .cpuprofile read here (times in microseconds of the monotonic clock). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const idle = "idle";

/**
 * The part a sampled function belongs to: the service's own folders (and the registry's file,
 * where JSON.stringify runs for every response), the local host, a library by package name, or
 * a part of Node or V8. V8 counts a built-in like JSON.stringify to the function calling it.
 */
export function partOf(functionName: string, url: string, root: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "garbage collection";
    if (functionName === "(idle)") return idle;
    if (/^write(v|Buffer|Utf8String|Latin1String)$/.test(functionName)) return "socket writes";
    return "V8 and native code";
  }
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return `library: ${pkg[1]}`;
  if (url.startsWith("node:")) {
    if (url.includes("/deps/undici/")) return "Node: undici (Request, Response, Headers)";
    if (url.includes("/webstreams/")) return "Node: web streams";
    if (/^node:(_http_|net$|internal\/(stream_base_commons|streams\/|http))/.test(url))
      return "Node: HTTP and sockets";
    return "Node: other";
  }
  if (!url.startsWith("file:")) return "other";
  const path = relative(root, fileURLToPath(url)).split("\\").join("/");
  const [top, second] = path.split("/");
  if (top === "bench" || top === "dev") return "local host (bench/, dev/)";
  if (top === "shared" && second) return second.endsWith(".ts") ? path : `shared/${second}/`;
  if (top === "functions") return "functions/";
  return path.startsWith("..") ? "other" : path;
}

/** Own time (µs) per part, of the samples taken between `from` and `to` (profile clock, µs). */
export function timeByPart(
  profile: CpuProfile,
  root: string,
  window: { from: number; to: number } = { from: -Infinity, to: Infinity },
): Map<string, number> {
  const parts = new Map(
    profile.nodes.map((n) => [n.id, partOf(n.callFrame.functionName, n.callFrame.url, root)]),
  );
  const totals = new Map<string, number>();
  // As DevTools reads it: sample i is taken at startTime + deltas[0..i] and lasts until the next.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    const lasted = profile.timeDeltas[i + 1] ?? 0;
    if (at < window.from || at > window.to) return;
    const part = parts.get(id) ?? "other";
    totals.set(part, (totals.get(part) ?? 0) + lasted);
  });
  return totals;
}
