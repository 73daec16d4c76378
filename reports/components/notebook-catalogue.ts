/**
 * Opens the published tables (notebook-docs.ts) in DuckDB-wasm, for the
 * Explore notebook and for the pages saved from it. The database is locked
 * down (no extensions, no files or URLs, settings frozen) as soon as it has
 * started, before it holds anything; a table is made when first asked for:
 * its loader files are loaded under private names, reshaped by the table's
 * `select` into the published table, and the private ones dropped, so the
 * database holds the published tables and nothing else. A saved page
 * therefore shows only what the published tables hold, and a page fetches
 * only the files of the tables its queries name.
 */
import {DuckDBClient} from "npm:@observablehq/duckdb";
import {FileAttachment} from "observablehq:stdlib";
import {Table} from "npm:apache-arrow";
import {publishedTables, tableSql, type PublishedTable} from "./notebook-docs.js";
import {runSql, type Client} from "./notebook-run.js";
import {tableSources, type Attachment, type CatalogueEntry} from "./notebook-tables.js";

export {columnDocs, publishedTables} from "./notebook-docs.js";

// Literal FileAttachment calls, so Framework publishes the files with any page that imports this module.
const attachments: Record<string, Attachment> = {
  "data/activity-groups.arrow": FileAttachment("../data/activity-groups.arrow"),
  "data/clv.json": FileAttachment("../data/clv.json"),
  "data/freshness.json": FileAttachment("../data/freshness.json"),
  "data/monthly-activity.arrow": FileAttachment("../data/monthly-activity.arrow"),
  "data/nps.json": FileAttachment("../data/nps.json"),
  "data/quality.json": FileAttachment("../data/quality.json"),
  "data/retention.arrow": FileAttachment("../data/retention.arrow"),
  "data/service.json": FileAttachment("../data/service.json"),
  "data/voice.json": FileAttachment("../data/voice.json")
};

// Each file is fetched once: a JSON file may hold several tables (clv.json: groups and cohorts), and an
// Arrow file is fetched when its table is first asked for (prefetch), and read when it is made.
const files: Record<string, Attachment> = Object.fromEntries(
  Object.entries(attachments).map(([path, file]) => {
    let json: Promise<unknown> | undefined;
    let buffer: Promise<ArrayBuffer> | undefined;
    // A failed fetch is forgotten, so that the next query that names the table fetches again.
    const retry = <T>(p: Promise<T>, forget: () => void) => p.catch((error) => (forget(), Promise.reject(error)));
    return [
      path,
      {
        name: file.name,
        url: () => file.url(),
        arrayBuffer: () => (buffer ??= retry(file.arrayBuffer(), () => (buffer = undefined))),
        json: () => (json ??= retry(file.json(), () => (json = undefined)))
      }
    ];
  })
);

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
  /** The database, locked down before anything else can reach it; its tables come with load(). */
  client: Promise<PublishedClient>;
  /** Every published table, in the order the table list shows them; `missing` is set once a load finds no rows. */
  catalogue: CatalogueEntry[];
  /** Creates the named published tables not made yet (their files fetched once, at most); unknown names are ignored. */
  load(names: readonly string[]): Promise<void>;
  /** Starts fetching and reading the named tables' files, without making the tables yet. */
  prefetch(names: readonly string[]): void;
}

/**
 * Opens a new DuckDB-wasm database for the published tables and locks it
 * down at once; the tables are made only when asked for (load), so a page
 * fetches the files of the tables its queries read and no others. Starting
 * DuckDB-wasm (a 7 MB engine) and fetching the files run side by side.
 *
 * Tables made after the lock-down: the files reach DuckDB as Arrow data sent
 * from this page (insertArrowFromIPCStream / insertArrowTable), not as files
 * or URLs DuckDB would open, so enable_external_access = false does not stop
 * them, and the SQL reading them is rapport's own (tableSql), run in turn with
 * the cells (the notebook queues loads with its runs), so no query of the
 * reader's can see the private tables before they are dropped.
 */
export function openPublished(): Published {
  // DuckDB's DECIMAL and HUGEINT (what sum() of whole numbers gives) come back as plain numbers.
  const client = (DuckDBClient.of({}, {query: {castDecimalToDouble: true}}) as Promise<PublishedClient>).then(async (client) => {
    for (const sql of lockSettings) await client.query(sql);
    return client;
  });
  const catalogue: CatalogueEntry[] = publishedTables.map((t) => ({name: t.name, about: t.about}));
  const made = new Map<string, Promise<void>>();
  const sourcesOf = new Map<string, ReturnType<typeof tableSources>>();
  const byName = (names: readonly string[]) => publishedTables.filter((t) => names.includes(t.name));
  function read(table: PublishedTable): ReturnType<typeof tableSources> {
    let sources = sourcesOf.get(table.name);
    if (!sources) {
      const entries = Object.entries(table.from).map(([name, {file, array, row}]) => ({name, file: files[file], array, row}));
      // tableSources reads JSON now and passes Arrow files on as they are: start fetching those too.
      for (const {file} of entries) if (!/\.json$/i.test(file.name)) file.arrayBuffer().catch(() => {});
      sources = tableSources(entries);
      sources.catch(() => {}); // reported by load()
      sourcesOf.set(table.name, sources);
    }
    return sources;
  }
  // One table is made at a time (DuckDB runs the inserts, CREATE and DROP of one before the next's).
  let making: Promise<unknown> = Promise.resolve();
  function make(table: PublishedTable): Promise<void> {
    // The files are fetched and read now, while DuckDB-wasm may still be starting or another table is being made.
    const reading = read(table);
    const done = making.then(async () => {
      const [{sources}, db] = await Promise.all([reading, client]);
      const entry = catalogue.find((c) => c.name === table.name)!;
      if (!Object.keys(table.from).every((n) => n in sources)) {
        entry.missing = "no rows in this build";
        return;
      }
      await insertSources(db, sources);
      try {
        await db.query(`CREATE TABLE ${table.name} AS ${tableSql(table)}`);
      } finally {
        for (const name of Object.keys(sources)) await db.query(`DROP TABLE IF EXISTS ${name}`);
      }
    });
    making = done.catch(() => {
      // A failed fetch is tried again by the next query that names the table.
      made.delete(table.name);
      sourcesOf.delete(table.name);
    });
    return done;
  }
  return {
    client,
    catalogue,
    load(names) {
      const wanted = byName(names);
      for (const t of wanted) if (!made.has(t.name)) made.set(t.name, make(t));
      return Promise.all(wanted.map((t) => made.get(t.name))).then(() => {});
    },
    prefetch(names) {
      for (const t of byName(names)) void read(t);
    }
  };
}

/** The loader files' rows under their private names (Arrow files as they are, JSON as typed Arrow tables). */
async function insertSources(db: PublishedClient, sources: Record<string, Attachment | Table>): Promise<void> {
  const database = db._db as {connect(): Promise<ArrowConnection>};
  const connection = await database.connect();
  try {
    for (const [name, source] of Object.entries(sources)) {
      const options = {name, schema: "main"};
      if (source instanceof Table) await connection.insertArrowTable(source, options);
      // A copy: DuckDB-wasm hands the buffer over to its worker, and the fetched one is kept for a retry.
      else await connection.insertArrowFromIPCStream(new Uint8Array(await source.arrayBuffer()).slice(), options);
    }
  } finally {
    await connection.close();
  }
}

interface ArrowConnection {
  insertArrowTable(table: Table, options: {name: string; schema: string}): Promise<void>;
  insertArrowFromIPCStream(buffer: Uint8Array, options: {name: string; schema: string}): Promise<void>;
  close(): Promise<void>;
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
  const unknown = names.filter((n) => !publishedTables.some((t) => t.name === n));
  if (unknown.length) throw new Error(`not a published table: ${unknown.join(", ")}`);
  const published = openPublished();
  await published.load(names);
  const client = await published.client;
  for (const [name, sql] of Object.entries(views)) await client.query(`CREATE VIEW ${name} AS ${sql}`);
  return {
    async sql(strings, ...args) {
      // Framework writes a ```sql block as a raw template, a backtick in it as ${"`"}: the text is the raw parts and values in turn.
      const text = strings.raw.map((part, i) => part + (i < args.length ? String(args[i]) : "")).join("");
      return (await runSql(client as unknown as Client, text).result).rows;
    }
  };
}
