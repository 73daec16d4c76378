/**
 * The results store: the tables the site publishes, computed once per refresh
 * (src/results/compute.ts) and kept beside the warehouse, in
 * `<warehouse folder>/results/<key>/<table>`, so the data loaders only read
 * them and a rebuild with nothing changed recomputes nothing.
 *
 * The key is a hash of everything a result depends on: the warehouse's
 * generation (its size and modification time, which a rename keeps and any
 * write changes, and the list of loaded exports with their hashes and load
 * times), the configuration the results are computed with, and the code that
 * computes them (src/, loaders/, reports/data/, package-lock.json). A result
 * stored under one key is never changed: a new warehouse, config or code
 * gives a new folder. Each file is written to a temporary name and renamed,
 * so a reader sees a whole result or none; a build that fails halfway leaves
 * at most a folder nobody's key names, removed by the next successful build
 * (pruneResults).
 */
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, relative} from "node:path";
import type {Database} from "./duckdb.js";

/** The folder holding every stored generation of results, beside the warehouse. */
export function resultsRoot(warehouse: string): string {
  return join(dirname(warehouse), "results");
}

/**
 * The key of the results of one warehouse (opened as db, stored at path) under one configuration and code
 * version (root: the folder holding src/, loaders/, reports/data/ and package-lock.json).
 */
export async function resultsKey(db: Database, path: string, {config, root, env = {}}: {config: unknown; root: string; env?: Record<string, string | undefined>}): Promise<string> {
  const hash = createHash("sha256");
  const add = (label: string, value: string | Buffer) => hash.update(`${label}\0`).update(value).update("\0");
  const {size, mtimeMs} = statSync(path);
  add("warehouse", `${size}:${mtimeMs}`);
  const files = await db.all<Record<string, unknown>>(`SELECT path, sha256, loaded_at::VARCHAR AS loaded_at FROM _files ORDER BY ALL`).catch(() => []);
  add("exports", JSON.stringify(files));
  add("config", JSON.stringify(config));
  for (const [name, value] of Object.entries(env).sort()) add(`env:${name}`, value ?? "");
  add("code", codeVersion(root));
  return hash.digest("hex").slice(0, 32);
}

const codeVersions = new Map<string, string>();

/** A hash of the code that computes results: every source file under src/, loaders/ and reports/data/, and package-lock.json. */
export function codeVersion(root: string): string {
  let version = codeVersions.get(root);
  if (version) return version;
  const hash = createHash("sha256");
  const files = [join(root, "src"), join(root, "loaders"), join(root, "reports", "data")].flatMap(sourceFiles);
  for (const file of [...files, join(root, "package-lock.json")].filter((f) => existsSync(f)).sort()) hash.update(`${relative(root, file)}\0`).update(readFileSync(file)).update("\0");
  codeVersions.set(root, (version = hash.digest("hex")));
  return version;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile() && /\.(ts|js|mjs|json|sql)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** One generation of results: read and write its tables by name. */
export interface ResultsStore {
  readonly folder: string;
  read(name: string): Buffer | undefined;
  write(name: string, bytes: string | Uint8Array): void;
}

/** The file of a stored result in a generation's folder (a bare name: no path may leave the folder). */
export function storedFile(folder: string, name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`invalid result name: ${JSON.stringify(name)}`);
  return join(folder, name);
}

export function resultsStore(warehouse: string, key: string): ResultsStore {
  const folder = join(resultsRoot(warehouse), key);
  const file = (name: string) => storedFile(folder, name);
  return {
    folder,
    read: (name) => (existsSync(file(name)) ? readFileSync(file(name)) : undefined),
    write(name, bytes) {
      mkdirSync(folder, {recursive: true});
      const temporary = `${file(name)}.tmp-${process.pid}`;
      writeFileSync(temporary, bytes);
      renameSync(temporary, file(name));
    }
  };
}

/** Removes every stored generation but keep's (after a successful build swapped its warehouse in). */
export function pruneResults(warehouse: string, keep: string): void {
  const root = resultsRoot(warehouse);
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) if (entry !== keep) rmSync(join(root, entry), {recursive: true, force: true});
}

/** Whether a stored generation exists and holds every one of names. */
export function complete(store: ResultsStore, names: readonly string[]): boolean {
  return existsSync(store.folder) && names.every((n) => existsSync(join(store.folder, n)));
}

/** The stored result's modification time (for tests and logs). */
export function storedAt(store: ResultsStore, name: string): Date | undefined {
  const path = join(store.folder, name);
  return existsSync(path) ? statSync(path).mtime : undefined;
}
