// Where a save's server time goes. Profiles the benchmark server (`node --cpu-prof`) under the
// load of the save-shaped no-op (the save's very request; nothing done) and, in a second server,
// of one-answer saves, and sets each part's own time per request side by side: the difference is
// what a save adds, part by part. A full `npm run bench` includes it; alone, with the profiles
// kept for Chrome DevTools or VS Code:
//   npm run bench:profile [-- --shape large] [-- --requests N]
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Options } from "autocannon";
import {
  perConnection,
  saveRequests,
  saveShapedLoad,
  serverTimes,
  timed,
  withServer,
} from "./load.js";
import { idle, timeByPart, type CpuProfile } from "./profile-parts.js";
import type { ServerReady } from "./server.js";
import { sessionShapes, type SessionShape } from "./server-routes.js";

const root = resolve(import.meta.dirname, "..");
const connections = 10;

type Path = "saveShapedNoop" | "save";

interface PathProfile {
  /** Own time per request (µs) by part, main thread, over the measured requests only. */
  perRequest: Map<string, number>;
  /** Server CPU per request (µs), all threads, GC included. */
  cpuPerRequest: number;
  requestsPerSecond: number;
  profileFile: string;
}

/** One row per part: own time per request (µs) under each load. */
export interface SaveProfileRow {
  part: string;
  saveShapedNoop: number;
  save: number;
}

export interface SaveProfile {
  shape: SessionShape;
  requests: number;
  /** Parts with at least 0.5 µs on either side, most added by the save first; idle left out. */
  parts: SaveProfileRow[];
  idle: SaveProfileRow;
  busy: SaveProfileRow;
  /** Server CPU per request, all threads (the profiler's own cost included). */
  cpu: SaveProfileRow;
  requestsPerSecond: SaveProfileRow;
}

async function profilePath(
  shape: SessionShape,
  path: Path,
  requests: number,
  dir: string,
): Promise<PathProfile> {
  const profileDir = join(dir, path);
  let non2xx = 0;
  const window = await withServer(
    shape,
    connections,
    0,
    async (ready) => {
      const options = loadOf(path, ready);
      const run = async (amount: number) => {
        const result = await timed({ ...options, connections, amount });
        non2xx += result.non2xx;
        return result;
      };
      await run(Math.round(requests / 5)); // warm-up (JIT, caches), not counted
      const cpuBefore = (await serverTimes(ready.port)).micros;
      // First request to last response, on the monotonic clock the profile is stamped with (not
      // autocannon's end, which waits for its next one-second tick: idle time, not the load's).
      const { span } = await run(requests);
      return { ...span, cpu: (await serverTimes(ready.port)).micros - cpuBefore };
    },
    ["--cpu-prof", `--cpu-prof-dir=${profileDir}`], // written when the server exits
  );
  if (non2xx > 0) throw new Error(`${path}: ${non2xx} responses were not 2xx.`);
  const [file] = await readdir(profileDir);
  if (!file) throw new Error(`${path}: the server wrote no profile.`);
  const profileFile = join(profileDir, file);
  const profile = JSON.parse(await readFile(profileFile, "utf8")) as CpuProfile;
  const byPart = timeByPart(profile, root, window);
  return {
    perRequest: new Map([...byPart].map(([part, micros]) => [part, micros / requests])),
    cpuPerRequest: window.cpu / requests,
    requestsPerSecond: requests / ((window.to - window.from) / 1e6),
    profileFile,
  };
}

/** The load of one path: the save's request to the no-op, or saves that keep their ETags. */
function loadOf(path: Path, ready: ServerReady): Options {
  if (path === "saveShapedNoop") return saveShapedLoad(ready);
  const url = `http://127.0.0.1:${ready.port}`;
  return { url, setupClient: perConnection(ready.toSave, saveRequests(ready)) };
}

/** Profiles both loads, `requests` each, in profiles under `dir`. */
export async function profileSaves(
  shape: SessionShape,
  requests: number,
  dir: string,
  log: (line: string) => void = () => undefined,
): Promise<SaveProfile & { profileFiles: string[] }> {
  const shaped = await profilePath(shape, "saveShapedNoop", requests, dir);
  log("profile: save-shaped no-op done");
  const save = await profilePath(shape, "save", requests, dir);
  const row = (part: string, of: (p: PathProfile) => number): SaveProfileRow => ({
    part,
    saveShapedNoop: of(shaped),
    save: of(save),
  });
  const own = (part: string) => row(part, (p) => p.perRequest.get(part) ?? 0);
  const parts = [...new Set([...shaped.perRequest.keys(), ...save.perRequest.keys()])]
    .filter((part) => part !== idle)
    .map(own)
    .filter((r) => Math.max(r.saveShapedNoop, r.save) >= 0.5)
    .sort((x, y) => y.save - y.saveShapedNoop - (x.save - x.saveShapedNoop));
  const busy = (p: PathProfile) =>
    [...p.perRequest].reduce((sum, [part, t]) => (part === idle ? sum : sum + t), 0);
  return {
    shape,
    requests,
    parts,
    idle: own(idle),
    busy: row("main thread busy", busy),
    cpu: row("server CPU, all threads", (p) => p.cpuPerRequest),
    requestsPerSecond: row("requests/s (profiled)", (p) => p.requestsPerSecond),
    profileFiles: [shaped.profileFile, save.profileFile],
  };
}

/** The profile as a Markdown table, the save's additions first. */
export function renderSaveProfile(p: SaveProfile): string {
  const us = (n: number) => n.toFixed(1);
  const line = (r: SaveProfileRow, added = us(r.save - r.saveShapedNoop)) =>
    `| ${r.part} | ${us(r.saveShapedNoop)} | ${us(r.save)} | ${added} |`;
  const rate = p.requestsPerSecond;
  return [
    "| part (own time, µs per request) | save-shaped no-op | save | added by the save |",
    "| --- | ---: | ---: | ---: |",
    ...p.parts.map((r) => line(r)),
    line({ ...p.busy, part: `**${p.busy.part}**` }),
    line({ ...p.idle, part: "idle (waiting for the next request)" }),
    line(p.cpu),
    `| ${rate.part} | ${rate.saveShapedNoop.toFixed(0)} | ${rate.save.toFixed(0)} | |`,
  ].join("\n");
}

const usage = "Usage: npm run bench:profile [-- --shape typical|large] [-- --requests N]";

/** The command line's choices, or a message saying what is wrong with it. */
function parseCommandLine(): { shape: SessionShape; requests: number } | string {
  let values;
  try {
    ({ values } = parseArgs({
      options: { shape: { type: "string", default: "typical" }, requests: { type: "string" } },
    }));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const shape = sessionShapes.find((s) => s === values.shape);
  if (!shape) return `--shape must be one of: ${sessionShapes.join(", ")}`;
  const requests = Number(values.requests ?? (shape === "typical" ? 20_000 : 5_000));
  if (!Number.isInteger(requests) || requests < 1000)
    return "--requests must be a whole number of at least 1000";
  return { shape, requests };
}

if (process.argv[1] === import.meta.filename) {
  const choices = parseCommandLine();
  if (typeof choices === "string") {
    console.error(`${choices}\n${usage}`);
    process.exit(2);
  }
  const { shape, requests } = choices;
  const dir = await mkdtemp(join(tmpdir(), "qm-profile-"));
  console.error(`profile: ${requests} requests per load, ${shape} session, in ${dir}`);
  const profile = await profileSaves(shape, requests, dir, (line) => console.error(line));
  console.log(renderSaveProfile(profile));
  console.log(`\nProfiles (Chrome DevTools, VS Code):\n${profile.profileFiles.join("\n")}`);
}
