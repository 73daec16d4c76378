/**
 * Keeps Framework's data-loader cache honest. Framework re-runs a data loader
 * only when its cached output is missing (or, in preview, when the loader file
 * itself changes), not when the warehouse or the library code the loader
 * imports change. Before each build rapport computes a key over everything a
 * loader's output depends on: the warehouse file (size and modification time;
 * ingest leaves it untouched when no export changed), the loaders, the
 * library in src/ and loaders/, the page components under <root>/components (which a loader may import),
 * rapport.config.*, and package-lock.json. When the key differs
 * from the last build's, the cached loader outputs are dropped so every
 * loader runs again; when it matches, the build reuses them at no cost.
 */
import {createHash} from "node:crypto";
import {copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync} from "node:fs";
import {join, relative, resolve} from "node:path";

export interface CacheInputs {
  /** The project folder. */
  cwd: string;
  /** The Framework root, relative to cwd. */
  root: string;
  /** The warehouse file the loaders read. */
  warehouse: string;
  /** Environment values that change what loaders produce. */
  env?: Record<string, string | undefined>;
}

/** The key over the loaders' inputs (see the module comment). */
export function loaderCacheKey({cwd, root, warehouse, env = {}}: CacheInputs): string {
  const hash = createHash("sha256");
  const add = (label: string, value: string | Buffer) => hash.update(`${label}\0`).update(value).update("\0");
  if (existsSync(warehouse)) {
    const {size, mtimeMs} = statSync(warehouse);
    add("warehouse", `${size}:${mtimeMs}`);
  } else {
    add("warehouse", "missing");
  }
  for (const [name, value] of Object.entries(env).sort()) add(`env:${name}`, value ?? "");
  // reports/components too: a loader may import one (data/notebook-starter.json.ts renders the starter notebook's text).
  const code = [join(root, "data"), join(root, "components"), "src", "loaders"].flatMap((dir) => sourceFiles(join(cwd, dir)));
  // The config beside the exports (RAPPORT_DATA) is read before the working folder's (src/config.ts findConfig).
  const configDirs = [cwd, ...(env.RAPPORT_DATA ? [resolve(cwd, env.RAPPORT_DATA)] : [])];
  const configs = configDirs.flatMap((dir) => ["rapport.config.json", "rapport.config.ts", "rapport.config.js"].map((f) => join(dir, f)));
  for (const file of [...code, ...configs, join(cwd, "package-lock.json")].filter((f) => existsSync(f)).sort()) add(relative(cwd, file), readFileSync(file));
  return hash.digest("hex");
}

/** Drops Framework's cached loader outputs when the key changed; returns whether it did. */
export function refreshLoaderCache(inputs: CacheInputs): boolean {
  const cache = join(inputs.cwd, inputs.root, ".observablehq", "cache");
  const keyFile = join(cache, "rapport-loaders.key");
  const key = loaderCacheKey(inputs);
  const previous = existsSync(keyFile) ? readFileSync(keyFile, "utf-8") : undefined;
  if (previous === key) return false;
  rmSync(join(cache, "data"), {recursive: true, force: true});
  mkdirSync(cache, {recursive: true});
  writeFileSync(keyFile, key);
  return true;
}

/**
 * Puts the tables a build just computed (the results store's folder, src/warehouse/results.ts) where Framework
 * keeps its data loaders' outputs, `<root>/.observablehq/cache/data/<name>`, for every data loader
 * `<root>/data/<name>.ts` that only writes the stored table (`publishTable("<name>")`, src/results/stored.ts);
 * returns their names. Framework's build takes a cached output as it is (it loads with useStale), and its
 * preview while the output is newer than its loader (the copy is), so neither runs those loaders, which would
 * only have copied the same file: each cost a Node process with tsx, one after the other (on the bench's million
 * customers, with the tables stored, Framework and the privacy check took 29.2 s with the loaders running and
 * 22.5 s with their outputs cached). A loader that does anything else (freshness.json, the build's clock; one
 * an analyst edited to publish something else under a table's name) is left to Framework. Each file is copied
 * to a temporary name and renamed, as Framework writes its own.
 */
export function seedLoaderCache({cwd, root}: Pick<CacheInputs, "cwd" | "root">, results: string): string[] {
  const cache = join(cwd, root, ".observablehq", "cache", "data");
  const seeded: string[] = [];
  for (const name of existsSync(results) ? readdirSync(results).sort() : []) {
    if (!/^[\w.-]+$/.test(name) || name.includes(".tmp-") || !publishesOnly(join(cwd, root, "data", `${name}.ts`), name)) continue;
    mkdirSync(cache, {recursive: true});
    const temporary = join(cache, `${name}.seed-${process.pid}`);
    copyFileSync(join(results, name), temporary);
    renameSync(temporary, join(cache, name));
    seeded.push(name);
  }
  return seeded;
}

/** Whether the loader file exists and its code (comments aside) is the import of publishTable and `await publishTable("<name>")`. */
function publishesOnly(loader: string, name: string): boolean {
  if (!existsSync(loader)) return false;
  const code = readFileSync(loader, "utf-8")
    .replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return (
    code.length === 2 &&
    /^import \{publishTable\} from ["'][./]*src\/results\/stored\.js["'];?$/.test(code[0]) &&
    code[1].replace(/'/g, '"').replace(/;$/, "") === `await publishTable(${JSON.stringify(name)})`
  );
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, {withFileTypes: true, recursive: true})
    .filter((e) => e.isFile() && /\.(ts|js|mjs|json|sql)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The key of a whole site build: the loaders' key plus every file under the
 * Framework root (pages, components, styles) and the Framework config. When
 * it matches the last successful build's and dist/ exists, the build can be
 * skipped: nothing it depends on changed.
 */
export function siteKey(inputs: CacheInputs): string {
  const hash = createHash("sha256").update(loaderCacheKey(inputs));
  const root = join(inputs.cwd, inputs.root);
  const files = existsSync(root)
    ? readdirSync(root, {withFileTypes: true, recursive: true})
        .filter((e) => e.isFile() && !join(e.parentPath, e.name).includes(".observablehq"))
        .map((e) => join(e.parentPath, e.name))
    : [];
  for (const file of [...files, join(inputs.cwd, "observablehq.config.ts")].filter((f) => existsSync(f)).sort()) {
    hash.update(`${relative(inputs.cwd, file)}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}
