/** The benchmark's results file and its table (Markdown, for the terminal and bench/README.md). */
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {formatExplore, type ExploreMeasure, type PageMeasure} from "./pages.js";

export interface StageResult {
  seconds: number;
  /** Peak resident memory in MB (2^20 bytes), the stage's own process and its children. */
  peakRssMB: number;
}

export interface BenchResults {
  size: {customers: number; orders: number; nps_responses: number; tickets: number; csvBytes: number; seed: number; scale: Record<string, number>};
  machine: {cores: number; cpu: string; ramGB: number; node: string; platform: string; date: string};
  baseline: StageResult & {what: string; parts: Record<string, number>};
  stages: (StageResult & {name: string; ratio: number; inPipeline: boolean; info: Record<string, unknown>})[];
  pipeline: StageResult & {stages: string[]; ratio: number; targets: {ratio: number; peakRssMB: number}};
  pages: PageMeasure[];
  pageTargets: {gzipBytes: number; chartsDrawnMs: number};
  /** The Explore notebook's weight and time to first result (absent in results of earlier runs). */
  explore?: ExploreMeasure;
  /** Stages left out with `--skip` (the day after, the pages). */
  skipped?: string[];
  exploreTargets?: {overheadGzipBytes: number; firstResultMs: number};
  /**
   * The next night's refresh (ingest, every metric, CLV fit, site build) after a day of new orders (1% more) at
   * the end of the orders export, against this run's full refresh (pipeline + site build); absent in earlier runs.
   */
  dayAfter?: StageResult & {refreshSeconds: number; share: number; target: number; parts: Record<string, number>; addedOrders: number; appended: {fromLine: number; read: number} | null};
}

const n = (x: number) => x.toLocaleString("en");
const mb = (x: number) => (x >= 1024 ? `${(x / 1024).toFixed(2)} GB` : `${x.toFixed(0)} MB`);
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

export function formatTable(r: BenchResults): string {
  const {size, machine, baseline, pipeline} = r;
  const lines = [
    `${n(size.customers)} customers, ${n(size.orders)} orders, ${n(size.nps_responses)} NPS responses, ${n(size.tickets)} tickets ` +
      `(${(size.csvBytes / 1e6).toFixed(0)} MB of CSV); ${machine.cores} cores, ${machine.ramGB} GB RAM, Node ${machine.node}, ${machine.date.slice(0, 16).replace("T", " ")} UTC.`,
    "",
    "| stage | seconds | × DuckDB alone | peak RSS |",
    "| --- | ---: | ---: | ---: |",
    `| DuckDB alone: read the CSVs, monthly retention, revenue, NPS | ${baseline.seconds.toFixed(1)} | 1.00 | ${mb(baseline.peakRssMB)} |`
  ];
  for (const s of r.stages) {
    const name = s.name === "generate" ? "generate the CSVs (not part of the pipeline)" : s.name;
    lines.push(`| ${name} | ${s.seconds.toFixed(1)} | ${s.ratio.toFixed(2)} | ${mb(s.peakRssMB)} |`);
    if (s.name === "clv fit") {
      lines.push(
        `| **pipeline: ingest + all metrics + CLV fit** | **${pipeline.seconds.toFixed(1)}** | **${pipeline.ratio.toFixed(2)}** (target ≤ ${pipeline.targets.ratio}: ${verdict(pipeline.ratio <= pipeline.targets.ratio)}) | **${mb(pipeline.peakRssMB)}** (target < ${mb(pipeline.targets.peakRssMB)}: ${verdict(pipeline.peakRssMB < pipeline.targets.peakRssMB)}) |`
      );
    }
  }
  const d = r.dayAfter;
  if (d) {
    lines.push(
      `| **day after: ${n(d.addedOrders)} new orders (1%), then ingest + all metrics + CLV fit + site build** | **${d.seconds.toFixed(1)}** | ` +
        `**${(d.share * 100).toFixed(1)}% of the full refresh** (${d.refreshSeconds.toFixed(1)} s; target ≤ ${d.target * 100}%: ${verdict(d.share <= d.target)}) | ${mb(d.peakRssMB)} |`
    );
  }
  for (const name of r.skipped ?? []) lines.push(`| ${name}: left out of this run (\`--skip\`) | — | — | — |`);
  const parts = Object.entries(baseline.parts).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(", ");
  lines.push("", `DuckDB alone: ${parts}.`);
  if (d) {
    const how = d.appended ? `the orders export loaded by its ${n(d.appended.read)} new rows from line ${n(d.appended.fromLine)}` : "the orders export read whole";
    lines.push("", `Day after: ${Object.entries(d.parts).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(", ")}; ${how}.`);
  }
  lines.push("");
  if (r.pages.length === 0) return lines.join("\n").trimEnd();
  lines.push("| page | requests | downloaded (gzip) | charts drawn | charts |", "| --- | ---: | ---: | ---: | ---: |");
  for (const p of r.pages) {
    lines.push(
      `| ${p.path} | ${p.requests} | ${(p.gzipBytes / 1e3).toFixed(0)} kB${p.gzipBytes < r.pageTargets.gzipBytes ? "" : " **over 1 MB**"} | ` +
        `${(p.chartsDrawnMs / 1000).toFixed(2)} s${p.chartsDrawnMs <= r.pageTargets.chartsDrawnMs ? "" : " **over 1.5 s**"} | ${p.charts} |`
    );
  }
  if (r.explore) lines.push("", formatExplore(r.explore));
  return lines.join("\n");
}

/**
 * Writes a run's table into a README that keeps the last run of each size: the section of
 * `customers` (between `<!-- bench:run N -->` and `<!-- /bench:run N -->`: a heading, the table and
 * what it says) is replaced whole, and the sections of other sizes are left as they are, so that
 * a smoke run never overwrites the million-customer figures. A size seen for the first time gets a
 * section among the others in order of size (at the end when there are none). What the run says is
 * written by hand after the run: until then the section says so, rather than keep the text of the
 * run it replaced, since ratios hold only within one run.
 */
export function updateReadme(path: string, table: string, customers: number): void {
  const text = existsSync(path) ? readFileSync(path, "utf-8") : "# Benchmarks\n";
  const block = runSection(table, customers);
  const sections = [...text.matchAll(/<!-- bench:run (\d+) -->[^]*?<!-- \/bench:run \1 -->/g)].map((m) => ({customers: Number(m[1]), from: m.index!, to: m.index! + m[0].length}));
  const same = sections.find((s) => s.customers === customers);
  if (same) return writeFileSync(path, text.slice(0, same.from) + block + text.slice(same.to));
  const larger = sections.find((s) => s.customers > customers);
  if (larger) return writeFileSync(path, `${text.slice(0, larger.from)}${block}\n\n${text.slice(larger.from)}`);
  const last = sections.at(-1);
  if (last) return writeFileSync(path, `${text.slice(0, last.to)}\n\n${block}${text.slice(last.to)}`);
  writeFileSync(path, `${text.trimEnd()}\n\n${block}\n`);
}

function runSection(table: string, customers: number): string {
  return [
    `<!-- bench:run ${customers} -->`,
    `### ${n(customers)} customers`,
    "",
    table,
    "",
    "#### What it says",
    "",
    "_Not written yet for this run: say which stage is furthest from its target and why, what changed since the last run of this size, and what the machine was doing. Compare stages by their ratios within this run only._",
    `<!-- /bench:run ${customers} -->`
  ].join("\n");
}
