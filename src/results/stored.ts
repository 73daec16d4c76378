/**
 * What each data loader under reports/data runs: writes one published table to stdout.
 *
 * Under `rapport build` every table was computed and stored before Framework started (compute.ts), and the
 * build puts the stored files in Framework's loader cache (seedLoaderCache, src/cli/cache.ts), so the loaders
 * of those tables do not run at all. It also names the stored generation's folder in RAPPORT_RESULTS; a loader
 * that runs all the same (its file was not seeded) then copies its file and imports nothing else (src/warehouse/results.ts: Node's own modules): no DuckDB, no metric code, no key to hash. Framework
 * runs the loaders one after the other, and one that went through publish (compute.ts) spent about a
 * second on its imports, the warehouse's opening and the key's hash of the code before it read its file.
 *
 * Otherwise (`rapport preview`, a loader run on its own or by a test, or a file missing from the folder)
 * it reads or computes the table as publish does, under the key of the warehouse it opens.
 */
import {existsSync, readFileSync} from "node:fs";
import {storedFile} from "../warehouse/results.js";
import type {TableName} from "./tables.js";

export async function publishTable(name: TableName, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env.RAPPORT_RESULTS ? storedFile(env.RAPPORT_RESULTS, name) : undefined;
  if (file && existsSync(file)) {
    process.stdout.write(readFileSync(file));
    return;
  }
  const {publish} = await import("./compute.js");
  await publish(name);
}
