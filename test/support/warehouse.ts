import {join} from "node:path";
import {sources} from "../../loaders/index.js";
import {parseConfig} from "../../src/config.js";
import {ingest, type IngestReport} from "../../src/ingest/ingest.js";
import {tempTree} from "./fixtures.js";

/** Ingests export files (name → contents) into a fresh warehouse; returns its path and the report. */
export async function warehouseOf(files: Record<string, string>, config: unknown = {}): Promise<{path: string; report: IngestReport; dir: string}> {
  const dir = tempTree(Object.fromEntries(Object.entries(files).map(([name, text]) => [join("exports", name), text])));
  const path = join(dir, "warehouse.duckdb");
  const report = await ingest(["exports"], {cwd: dir, config: parseConfig(config), sources, warehouse: path, now: new Date("2026-11-01T00:00:00Z")});
  return {path, report, dir};
}
