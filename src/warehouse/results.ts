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
 *
 * Each table also has a key of its own inputs only (tableKeys): the content of
 * the warehouse tables it reads, the configuration and the code, written
 * beside it (`<table>.key`, after the table), so that a refresh whose new rows
 * touch only some tables (a day of new orders leaves the NPS, service and
 * voice tables as they were) copies the others from the generation before
 * (storedElsewhere) instead of computing them again.
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

/**
 * A fingerprint of the content of each named warehouse table: its columns with their types, its row count,
 * and the sum of its rows' hashes (DuckDB's 64-bit hash of the row as a struct, summed as a HUGEINT: the
 * order of the rows does not matter, and a repeated row counts twice). A write that changes, adds or
 * removes a row changes it, but for a collision of that hash, which is not a cryptographic one: exports
 * crafted to collide could make a refresh reuse a table computed before them. 0.6 s for 9.9 M orders on 2 cores.
 */
export async function tableFingerprints(db: Database, names: readonly string[]): Promise<Record<string, string>> {
  const fingerprints: Record<string, string> = {};
  for (const name of [...new Set(names)].sort()) {
    if (!/^\w+$/.test(name)) throw new Error(`invalid table name: ${JSON.stringify(name)}`);
    const columns = await db.all<{c: string}>(
      `SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) AS c FROM duckdb_columns() WHERE NOT internal AND schema_name = 'main' AND table_name = '${name}'`
    );
    const [{n, h}] = await db.all<{n: string; h: string | null}>(`SELECT count(*)::VARCHAR AS n, sum(hash(t))::VARCHAR AS h FROM "${name}" t`);
    fingerprints[name] = `${columns[0]?.c ?? ""}|${n}|${h ?? ""}`;
  }
  return fingerprints;
}

/**
 * The key of each table's own inputs (reads: the warehouse tables each reads, src/results/tables.ts tableReads):
 * their fingerprints, the configuration and the code (as resultsKey). Two refreshes give a table the same key
 * when none of them changed, whatever else in the warehouse did.
 */
export async function tableKeys(db: Database, reads: Readonly<Record<string, readonly string[]>>, {config, root}: {config: unknown; root: string}): Promise<Record<string, string>> {
  const fingerprints = await tableFingerprints(db, Object.values(reads).flat());
  const keys: Record<string, string> = {};
  for (const [name, tables] of Object.entries(reads)) {
    const hash = createHash("sha256").update(JSON.stringify([name, config, codeVersion(root), [...tables].sort().map((t) => [t, fingerprints[t]])]));
    keys[name] = hash.digest("hex").slice(0, 32);
  }
  return keys;
}

/** The name of the file beside a stored table that holds the key of its own inputs (tableKeys). */
export function keyFile(name: string): string {
  return `${name}.key`;
}

/**
 * A table stored by another generation (beside the warehouse, other than the one named except) whose own inputs
 * had this key, or undefined: the newest such file. A table whose key file is missing (stored by older code, or
 * by a run that stopped between the two writes) is not reused.
 */
export function storedElsewhere(warehouse: string, except: string, name: string, key: string): string | undefined {
  const root = resultsRoot(warehouse);
  if (!existsSync(root)) return undefined;
  const found: {file: string; at: number}[] = [];
  for (const entry of readdirSync(root)) {
    if (entry === except) continue;
    const file = storedFile(join(root, entry), name);
    const keyed = storedFile(join(root, entry), keyFile(name));
    if (existsSync(file) && existsSync(keyed) && readFileSync(keyed, "utf-8") === key) found.push({file, at: statSync(file).mtimeMs});
  }
  return found.sort((a, b) => b.at - a.at)[0]?.file;
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
