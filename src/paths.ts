/**
 * Where rapport finds things. The exports folder is data/sample/ unless the
 * RAPPORT_DATA environment variable names another; the warehouse that data
 * loaders read is RAPPORT_WAREHOUSE (set by `rapport build`), by default
 * .rapport/warehouse.duckdb. Relative paths are relative to the project.
 */
import {isAbsolute, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

/** The repository root (the folder holding package.json). */
export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** The folder of CRM exports a build reads. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return fromProject(env.RAPPORT_DATA ?? join("data", "sample"));
}

/** The DuckDB warehouse the site's data loaders read. */
export function warehousePath(env: NodeJS.ProcessEnv = process.env): string {
  return fromProject(env.RAPPORT_WAREHOUSE ?? join(".rapport", "warehouse.duckdb"));
}

function fromProject(path: string): string {
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}
