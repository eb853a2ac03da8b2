// A run's results: the JSON of `--json FILE` and docs/benchmarks.md.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { format } from "prettier";
import { formatFigure, isSummary, valueOf, type Figures, type Measurement } from "./figures.js";
import type { TargetCheck } from "./targets.js";

export interface BenchRun {
  mode: "quick" | "full";
  measuredAt: string;
  machine: { nproc: number; cpu: string; memoryGb: number; node: string; platform: string };
  figures: Figures;
  targets: TargetCheck[];
  totalSeconds: number;
}

/**
 * The JSON of a run: every figure under its name (`a.b` as `{ a: { b } }`), a Summary as its
 * median and, under `summaries`, whole.
 */
export function toJson({ mode, measuredAt, machine, figures, ...run }: BenchRun) {
  const json: Record<string, unknown> = { mode, measuredAt, machine };
  const summaries: Record<string, unknown> = {};
  for (const [name, figure] of Object.entries(figures)) {
    const path = name.split(".");
    const key = path.pop() ?? name;
    let parent = json;
    for (const part of path) {
      parent[part] ??= {};
      parent = parent[part] as Record<string, unknown>;
    }
    parent[key] = valueOf(figure);
    if (isSummary(figure)) summaries[name] = figure;
  }
  return { ...json, summaries, targets: run.targets, totalSeconds: run.totalSeconds };
}

function renderMarkdown(run: BenchRun, measurements: readonly Measurement[]): string {
  const m = run.machine;
  const rows = (cells: string[][]) => cells.map((c) => `| ${c.join(" | ")} |`).join("\n");
  return `# Benchmarks

Written by \`npm run bench\` (full run) on ${run.measuredAt.slice(0, 10)}; do not edit by hand.
Timed figures are medians of several runs with their spread (min–max, n = runs). The machine
is shared with other work, so absolute times are noisy; each ratio pairs runs taken side by side.

Machine: ${m.nproc} vCPU (${m.cpu}), ${m.memoryGb} GB memory, Node ${m.node}, ${m.platform}.

## Reproduce

\`\`\`sh
npm run bench                               # full run (~${Math.ceil(run.totalSeconds / 60)} min here); rewrites this file
npm run bench -- --quick --json out.json    # short run; writes every figure to out.json
npm run bench:node22                        # the same on Node 22, the deployed runtime (Linux x64)
\`\`\`

Call counts are also asserted by \`functions/call-counts.test.ts\` (part of \`npm test\`);
nothing else here is a test, so \`npm test\` has no timing assertions.

## Targets

| figure | target | measured | met |
| --- | --- | --- | --- |
${rows(run.targets.map((t) => [`\`${t.name}\``, t.target, t.value, t.met ? "yes" : "**no**"]))}

## Figures

| figure | value |
| --- | --- |
${rows(Object.entries(run.figures).map(([name, f]) => [`\`${name}\``, formatFigure(f)]))}

## What is measured

${measurements.map((x) => `- **${x.title}**: ${x.about}`).join("\n")}
`;
}

/** Writes docs/benchmarks.md, formatted as `npm run lint` (prettier --check) expects. */
export async function writeBenchmarksDoc(run: BenchRun, measurements: readonly Measurement[]) {
  const file = resolve(import.meta.dirname, "../docs/benchmarks.md");
  await writeFile(file, await format(renderMarkdown(run, measurements), { filepath: file }));
}
