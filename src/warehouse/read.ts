/**
 * Read-only access to the warehouse for the site's data loaders, with a
 * message that says what to do when it has not been built yet.
 */
import {existsSync} from "node:fs";
import {IngestError} from "../ingest/errors.js";
import {warehousePath} from "../paths.js";
import {withDuckDB, type Database} from "./duckdb.js";

export async function readWarehouse<T>(f: (db: Database) => Promise<T>, path = warehousePath(), {memoryLimit}: {memoryLimit?: string} = {}): Promise<T> {
  if (!existsSync(path)) throw new IngestError(`no warehouse at ${path}: run \`npx rapport ingest data/sample\` or \`npm run build\` first`);
  return withDuckDB(f, path, {readOnly: true, memoryLimit});
}
