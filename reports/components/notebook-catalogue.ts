/**
 * Opens the published tables (notebook-docs.ts) in DuckDB-wasm, for the
 * Explore notebook and for the pages saved from it: each loader file is
 * loaded under a private name, reshaped by its table's `select` into the
 * published table, and the private one dropped, so the database holds the
 * published tables and nothing else; then it is locked down (no extensions,
 * no files or URLs, settings frozen). A saved page therefore shows only what
 * the published tables hold.
 */
import {DuckDBClient} from "npm:@observablehq/duckdb";
import {FileAttachment} from "observablehq:stdlib";
import {publishedTables, tableSql} from "./notebook-docs.js";
import {runSql, type Client} from "./notebook-run.js";
import {tableSources, type Attachment, type CatalogueEntry} from "./notebook-tables.js";

export {columnDocs, publishedTables} from "./notebook-docs.js";

// Literal FileAttachment calls, so Framework publishes the files with any page that imports this module.
const files: Record<string, Attachment> = {
  "data/activity-groups.arrow": FileAttachment("../data/activity-groups.arrow"),
  "data/clv.json": FileAttachment("../data/clv.json"),
  "data/monthly-activity.arrow": FileAttachment("../data/monthly-activity.arrow"),
  "data/nps.json": FileAttachment("../data/nps.json"),
  "data/quality.json": FileAttachment("../data/quality.json"),
  "data/retention.arrow": FileAttachment("../data/retention.arrow"),
  "data/service.json": FileAttachment("../data/service.json"),
  "data/voice.json": FileAttachment("../data/voice.json")
};

const lockSettings = [
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET allow_community_extensions = false",
  "SET enable_external_access = false",
  "SET lock_configuration = true"
];

/** Framework's DuckDBClient, as far as this module uses it. */
export interface PublishedClient {
  query(sql: string): Promise<unknown>;
  sql(strings: TemplateStringsArray, ...args: unknown[]): Promise<unknown>;
  _db: unknown;
}

export interface Published {
  client: PublishedClient;
  catalogue: CatalogueEntry[];
}

/**
 * Opens the published tables (all, or those named) in a new DuckDB-wasm
 * database, defines `views` (name → SQL) over them, and locks it down.
 */
export async function openPublished(names?: readonly string[], views: Record<string, string> = {}): Promise<Published> {
  const wanted = publishedTables.filter((t) => !names || names.includes(t.name));
  const unknown = (names ?? []).filter((n) => !publishedTables.some((t) => t.name === n));
  if (unknown.length) throw new Error(`not a published table: ${unknown.join(", ")}`);
  const entries = wanted.flatMap((t) => Object.entries(t.from).map(([name, {file, array}]) => ({name, file: files[file], array})));
  const {sources} = await tableSources(entries);
  // DuckDB's DECIMAL and HUGEINT (what sum() of whole numbers gives) come back as plain numbers.
  const client = (await DuckDBClient.of(sources, {query: {castDecimalToDouble: true}})) as unknown as PublishedClient;
  const catalogue: CatalogueEntry[] = [];
  for (const table of wanted) {
    const present = Object.keys(table.from).every((n) => n in sources);
    if (present) await client.query(`CREATE TABLE ${table.name} AS ${tableSql(table)}`);
    catalogue.push({name: table.name, about: table.about, ...(present ? {} : {missing: "no rows in this build"})});
  }
  for (const name of Object.keys(sources)) await client.query(`DROP TABLE IF EXISTS ${name}`);
  for (const [name, sql] of Object.entries(views)) await client.query(`CREATE VIEW ${name} AS ${sql}`);
  for (const sql of lockSettings) await client.query(sql);
  return {client, catalogue};
}

/** What a saved page's ```sql blocks call: rows as the notebook shows them. */
export interface PageDatabase {
  sql(strings: TemplateStringsArray, ...args: unknown[]): Promise<Record<string, unknown>[]>;
}

/**
 * For a saved page: the published tables it reads and its named cells as
 * views. Its `sql` gives rows as the notebook does (dates as dates, at most
 * 10,000 rows), so the page shows what the notebook showed.
 */
export async function publishedDatabase(names: readonly string[], views: Record<string, string> = {}): Promise<PageDatabase> {
  const {client} = await openPublished(names, views);
  return {
    async sql(strings, ...args) {
      // Framework writes a ```sql block as a raw template, a backtick in it as ${"`"}: the text is the raw parts and values in turn.
      const text = strings.raw.map((part, i) => part + (i < args.length ? String(args[i]) : "")).join("");
      return (await runSql(client as unknown as Client, text).result).rows;
    }
  };
}
