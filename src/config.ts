/**
 * rapport.config.json (or .ts, exporting the object as default): where the
 * warehouse lives, how many rejects a build tolerates, and how to read
 * exports that are not named or shaped like the model. Validated with zod;
 * every problem is reported with its path in the file.
 *
 *   {
 *     "rejectThreshold": 0.05,
 *     "files": [
 *       {"match": "crm-dump-*.csv", "entity": "orders",
 *        "columns": {"id": "Order No", "ordered_at": "Date", "amount": "Total"},
 *        "dateFormats": ["%d/%m/%Y"], "decimal": ","},
 *       {"match": "contacts.csv", "source": "hubspot"}
 *     ]
 *   }
 *
 * Invoice or order lines, credit notes, guest sales and currency (see
 * src/ingest/lines.ts and data/examples/online-retail/rapport.config.json):
 *
 *   {"currency": "GBP",
 *    "files": [
 *      {"match": "OnlineRetail.csv", "entity": "orders",
 *       "columns": {"id": "InvoiceNo", "customer_id": "CustomerID", "ordered_at": "InvoiceDate", "region": "Country"},
 *       "lines": {"quantity": "Quantity", "unitPrice": "UnitPrice"},
 *       "returns": {"idPattern": "^C", "negative": true},
 *       "guests": "allow", "dateFormats": ["%m/%d/%Y %H:%M"]}
 *    ]}
 *
 * An orders file may also map the customers' "region", "segment", "channel"
 * and "plan" in "columns" (the latest order's values describe a customer
 * derived from orders).
 *
 * Mixed currencies need "reportingCurrency" and "rates":
 *   {"reportingCurrency": "EUR", "rates": {"GBP": 1.17, "USD": 0.92}}
 */
import {existsSync} from "node:fs";
import {readFile} from "node:fs/promises";
import {resolve} from "node:path";
import {pathToFileURL} from "node:url";
import {z} from "zod";
import {IngestError} from "./ingest/errors.js";
import {columnsOf} from "./schema/columns.js";
import {entityNames, isEntity, loadOrder} from "./schema/model.js";

/**
 * Several files of one data set are joined declaratively (see src/ingest/joins.ts). A
 * file gets a "name"; another file's field takes its value "from" it "on" a
 * key column: "value" for a one-per-key look-up, "sum" for a total over the
 * rows of a key. "from" may also name an entity loaded before the file's own
 * (orders load before ratings), matched on the model's columns. A file with
 * "role": "lookup" holds no entity: it is read only by the joins that name
 * it, and its rows whose key no record of the consuming file has are
 * rejected ("a payment for an unknown order"). Score scales are stated:
 * "scale": [1, 5] on a ratings file (stars, reviews); NPS is 0–10. Olist:
 *
 *   {"files": [
 *     {"match": "olist_customers_dataset.csv", "name": "people", "entity": "customers",
 *      "columns": {"id": "customer_unique_id", "region": "customer_state"}},
 *     {"match": "olist_order_payments_dataset.csv", "name": "payments", "role": "lookup"},
 *     {"match": "olist_orders_dataset.csv", "entity": "orders",
 *      "columns": {"id": "order_id",
 *        "customer_id": {"from": "people", "on": "customer_id", "value": "customer_unique_id"},
 *        "amount": {"from": "payments", "on": "order_id", "sum": "payment_value"},
 *        "ordered_at": "order_purchase_timestamp", "status": {"column": "order_status", "values": {"delivered": "completed"}}}},
 *     {"match": "olist_order_reviews_dataset.csv", "entity": "ratings", "scale": [1, 5],
 *      "columns": {"id": "review_id", "order_id": "order_id", "score": "review_score",
 *        "customer_id": {"from": "orders", "on": {"order_id": "id"}, "value": "customer_id"},
 *        "rated_at": "review_answer_timestamp"}}
 *   ]}
 *
 * "on": "order_id" means the same column name on both sides; {"order_id": "id"}
 * pairs this file's column with the other side's. A key found on no row of
 * the other side rejects the record, naming file, line and key.
 */

/** A key pairing: this file's column → the other side's column; a string when both are named the same. */
const joinKey = z.union([
  z.string().min(1),
  z.record(z.string().min(1), z.string().min(1)).refine((on) => Object.keys(on).length === 1, {
    message: 'give one pair, {"<column here>": "<column there>"}, or one column name found on both sides'
  })
]);

const fieldMapping = z.union([
  z.string().min(1),
  z
    .strictObject({
      column: z.union([z.string(), z.array(z.string())]).optional().describe("the export's column (or columns: the first present wins), matched case-insensitively"),
      sql: z.string().optional().describe("a DuckDB SQL expression over the file's columns (all text; quote names in double quotes), instead of column"),
      values: z.record(z.string(), z.string()).optional().describe("translates values before they are read (keys compared trimmed and lower-cased): {\"delivered\": \"completed\"}"),
      scale: z.number().optional().describe("multiplies the number read: 0.01 turns cents into units"),
      default: z.string().optional().describe("the value when the column is absent or the cell empty"),
      /** Join: the "name" of another file, or an entity loaded before this file's (e.g. "orders"). */
      from: z.string().min(1).optional().describe('join: the "name" of another file, or an entity loaded before this file\'s (e.g. "orders")'),
      /** Join: the key, this file's column matched with the other side's. */
      on: joinKey.optional().describe('join: the key, one column name found on both sides, or {"column here": "column there"}'),
      /** Join: the other side's column to take, one value per key. */
      value: z.string().min(1).optional().describe("join: the other side's column to take, one value per key"),
      /** Join: the other side's numeric column to add up over the rows of a key. */
      sum: z.string().min(1).optional().describe("join: the other side's number column, added up over the rows of a key")
    })
    .superRefine((m, ctx) => {
      const join = m.from !== undefined || m.on !== undefined || m.value !== undefined || m.sum !== undefined;
      if (!join) return;
      if (m.from === undefined || m.on === undefined) ctx.addIssue({code: "custom", message: 'a join needs "from" (a file\'s name or an entity) and "on" (the key column)'});
      if ((m.value === undefined) === (m.sum === undefined)) ctx.addIssue({code: "custom", message: 'a join takes either "value" (one per key) or "sum" (added up per key)'});
      if (m.column !== undefined || m.sql !== undefined) ctx.addIssue({code: "custom", message: 'a join ("from") cannot also have "column" or "sql"'});
    })
]);

/** ISO 4217 code, upper case ("GBP", "BRL"). */
const currencyCode = z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code in capitals, such as GBP");

/**
 * The file holds one row per order line: rows with the same order id are one
 * order, whose amount is the sum of the lines' `amount` (the column mapped to
 * it), or of quantity × unitPrice when both are named; its time is the
 * earliest line's. Lines of one order must agree on the customer, currency and
 * status, else the order is rejected. Further lines are counted as skipped.
 */
const linesConfig = z
  .strictObject({
    /** Column of the quantity on each line (with unitPrice: amount = quantity × unitPrice). */
    quantity: z.string().min(1).optional().describe("the column of each line's quantity (with unitPrice: amount = quantity × unitPrice)"),
    /** Column of the unit price on each line. */
    unitPrice: z.string().min(1).optional().describe("the column of each line's unit price")
  })
  .refine((l) => (l.quantity === undefined) === (l.unitPrice === undefined), "give both quantity and unitPrice, or neither (then the column mapped to amount is summed)");

/**
 * Which records are returns (credit notes, refunds): not orders and not
 * activity, they reduce the customer's net revenue in the month they happen.
 * Any rule that matches makes a return.
 */
const returnsConfig = z.strictObject({
  /** A regular expression on the order id ("^C": Online Retail's credit notes). */
  idPattern: z.string().min(1).optional().describe("a regular expression on the order id: \"^C\" for credit notes numbered C…"),
  /** An order (after summing its lines) with a negative amount is a return. */
  negative: z.boolean().optional().describe("an order (its lines summed) with a negative amount is a return"),
  /** Values of the status column (case-insensitive) that mark a return ("refund", "credit note"). */
  status: z.union([z.string().min(1), z.array(z.string().min(1))]).optional().describe("values of the status column (case-insensitive) that mark a return"),
  /** Column naming the order a return refers to, when the export says it. */
  originalId: z.string().min(1).optional().describe("the column naming the order a return refers to")
});

const fileConfig = z.strictObject({
  /** A file name pattern (* and ?), or a path pattern with / and ** matched against the path given. */
  match: z.string().min(1).describe("a file name pattern (* and ?), or a path pattern with / and ** matched against the path given"),
  source: z.string().optional().describe("read the file as this source's export: generic, hubspot, salesforce, stripe, shopify, cdnow"),
  entity: z.enum(entityNames as [string, ...string[]]).optional().describe("what the file holds"),
  /** What other files' joins call this file ("from": name). Letters, digits and _; not an entity's name. */
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a name is letters, digits and _, starting with a letter")
    .optional()
    .describe('what other files\' joins call this file ("from": name)'),
  /** "lookup": the file holds no entity of its own; only the joins that name it read it. */
  role: z.enum(["lookup"]).optional().describe("lookup: the file holds no entity of its own; only the joins that name it read it"),
  /** The score's scale, [lowest, highest]: [1, 5] for 1–5 stars on a ratings file; NPS is [0, 10]. */
  scale: z.tuple([z.number().int(), z.number().int()]).optional().describe("the score's scale, [lowest, highest]: [1, 5] for 1–5 stars on a ratings file; NPS is [0, 10]"),
  columns: z.record(z.string(), fieldMapping).optional().describe("model field ← the export's column name, or a mapping object"),
  dateFormats: z.union([z.string(), z.array(z.string())]).optional().describe("strptime formats tried in order for times that are not ISO 8601: \"%d/%m/%Y %H:%M\""),
  decimal: z.enum([".", ","]).optional().describe("the decimal separator of numbers (\",\" for 1.234,56)"),
  delimiter: z.string().optional().describe("the CSV delimiter, when not guessed right from the header"),
  /** utf-16 takes its byte order from the byte-order mark (or the text); latin-1 is read as windows-1252, its superset. */
  encoding: z.enum(["utf-8", "utf-16", "utf-16le", "utf-16be", "latin-1", "windows-1252"]).optional().describe("the file's encoding, when not UTF-8 (UTF-16 is recognised without it)"),
  /** Orders only: one row per order line (see linesConfig). */
  lines: linesConfig.optional().describe("orders only: one row per order line; rows with the same id are one order"),
  /** Orders only: which rows are returns or credit notes (see returnsConfig). */
  returns: returnsConfig.optional().describe("orders only: which rows are returns or credit notes (any rule that matches)"),
  /** Orders only: "allow" keeps orders with no customer id apart as guest orders; "reject" (default) rejects them. */
  guests: z.enum(["allow", "reject"]).optional().describe("orders only: allow keeps orders with no customer id apart as guest orders; reject (default) rejects them"),
  /** The currency of the file's amounts when it has no currency column (overrides the top-level currency). */
  currency: currencyCode.optional().describe("the currency of the file's amounts when it has no currency column")
});

export const configSchema = z.strictObject({
  warehouse: z.string().default(".rapport/warehouse.duckdb").describe("the DuckDB warehouse file"),
  rejectThreshold: z.number().min(0).max(1).default(0.05).describe("the share of an export's records that may be rejected before the run fails"),
  /**
   * An internal build for a private deployment, allowed to show personal
   * data: the privacy check then reports instead of failing, and the build
   * says loudly that the output is not for public hosting.
   */
  private: z.boolean().default(false).describe("an internal build allowed to show personal data (never for public hosting)"),
  /** Published breakdowns merge or withhold groups of fewer customers than this. */
  minGroupSize: z.number().int().min(1).default(10).describe("published breakdowns merge or withhold groups of fewer customers than this"),
  /**
   * Predicted CLV by group: a group with at least this many customers with a repeat purchase gets its
   * own model fit; a smaller one is valued with the fit on all customers (see src/metrics/clv.ts for why 100).
   */
  clvMinGroupRepeaters: z.number().int().min(1).default(100).describe("a group needs this many repeat customers for a CLV model fit of its own"),
  /** A kind of data whose latest record is more than this many calendar days behind the newest record of any kind is flagged stale. */
  staleAfterDays: z.number().positive().default(30).describe("a kind of data whose latest record is more than this many calendar days behind the newest record of any kind is flagged stale"),
  /** The currency of every export's amounts that has no currency column or file currency of its own. */
  currency: currencyCode.optional().describe("the currency of every export's amounts that has no currency column or file currency"),
  /**
   * The locale of the published site's numbers and dates (a BCP 47 tag: "en-US", "en-GB", "de-DE",
   * "pt-BR"): decimal and grouping marks, day-month order, and the pages' `lang`. Amounts keep the
   * data's currency whatever the locale.
   */
  locale: z
    .string()
    .refine(isLocale, {error: (issue) => `"${String(issue.input)}" is not a locale this Node.js knows; use a BCP 47 tag such as en-US, en-GB, de-DE or pt-BR`})
    .default("en-US")
    .describe("the locale of the site's numbers and dates (BCP 47: en-US, en-GB, de-DE, pt-BR); amounts keep the data's currency"),
  /**
   * With several currencies among the exports: the one reports are in, and
   * `rates` giving one unit of each other currency in it ({"USD": 0.79}).
   * Amounts are converted when loaded. Without it, mixed currencies are refused.
   */
  reportingCurrency: currencyCode.optional().describe("with several currencies: the one reports are in"),
  rates: z.record(currencyCode, z.number().positive()).optional().describe("one unit of each other currency in the reportingCurrency: {\"USD\": 0.79}"),
  /** Records dated more than this many days after the load's day are rejected as "in the future". */
  maxDaysInFuture: z.number().min(0).default(7).describe("records dated more than this many days after the load's day are rejected"),
  /**
   * What a load does with an export that is now empty (0 bytes or a header
   * only): keep the rows its previous version loaded (and say so), or remove them.
   */
  emptyExports: z.enum(["keep", "remove"]).default("keep").describe("an export that is now empty: keep the rows it loaded before, or remove them"),
  files: z.array(fileConfig).default([]).describe("how to read exports not named or shaped like the model, first match wins"),
}).refine((c) => c.rates === undefined || c.reportingCurrency !== undefined, {message: "rates need a reportingCurrency to convert to", path: ["rates"]});

/** Whether Intl knows a locale tag, so a config is checked before any page is built. */
export function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1 && Intl.NumberFormat.supportedLocalesOf([tag]).length === 1;
  } catch {
    return false;
  }
}

export type RapportConfig = z.infer<typeof configSchema>;
export type FileConfig = z.infer<typeof fileConfig>;

export const configNames = ["rapport.config.json", "rapport.config.ts", "rapport.config.js"];

/**
 * The config file a run uses: the one named (--config, relative to dir), else
 * the first of configNames in the exports folders (`near`: a config beside the
 * exports belongs to them), else in dir (the working folder); undefined when
 * there is none.
 */
export function findConfig(dir: string, path?: string, near: readonly string[] = []): string | undefined {
  if (path) return resolve(dir, path);
  for (const folder of [...near.map((n) => resolve(dir, n)), resolve(dir)]) {
    const found = configNames.map((n) => resolve(folder, n)).find((p) => existsSync(p));
    if (found) return found;
  }
  return undefined;
}

/**
 * Reads and validates the config findConfig() finds; defaults when there is
 * none. Without `near`, the build's exports folder (RAPPORT_DATA) is searched,
 * so the site's data loaders read the same config the build's ingest did.
 */
export async function loadConfig(dir: string, path?: string, near: readonly string[] = process.env.RAPPORT_DATA ? [process.env.RAPPORT_DATA] : []): Promise<RapportConfig> {
  const file = findConfig(dir, path, near);
  if (!file) return configSchema.parse({});
  if (!existsSync(file)) throw new IngestError(`${file}: no such config file`, "bad-input", file);
  let raw: unknown;
  try {
    raw = file.endsWith(".json") ? JSON.parse(await readFile(file, "utf-8")) : ((await import(pathToFileURL(file).href)) as {default: unknown}).default;
  } catch (error) {
    throw new IngestError(`${file}: cannot read the config: ${(error as Error).message}`, "bad-input", file);
  }
  return parseConfig(raw, file);
}

export function parseConfig(raw: unknown, file = "config"): RapportConfig {
  const result = configSchema.superRefine((config, ctx) => checkJoins(config.files, ctx)).safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
  throw new IngestError(`${file}: ${problems.join("; ")}`, "bad-input", file);
}

/** The first files entry whose pattern matches path (relative to the working folder). */
export function fileConfigFor(config: RapportConfig, path: string): FileConfig | undefined {
  const name = path.split(/[\\/]/).pop()!;
  return config.files.find((f) => globToRegExp(f.match).test(f.match.includes("/") ? path.replaceAll("\\", "/") : name));
}

export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; ++i) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") (source += ".*"), ++i;
    else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^(?:.*/)?${source}$`, "i");
}

/**
 * Checks across files entries: names unique and not an entity's; every join's
 * "from" a declared name or an entity that loads before the file's own (on and
 * value then being the model's columns); lookup files with a name and nothing
 * else to say; scales where a score has one. Each problem names its path.
 */
function checkJoins(files: readonly FileConfig[], ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({code: "custom", path: ["files", ...path], message});
  const names = new Map<string, number>();
  files.forEach((f, i) => {
    if (f.name === undefined) return;
    if (isEntity(f.name)) issue([i, "name"], `"${f.name}" is an entity's name; "from": "${f.name}" means the ${f.name} already loaded. Call this file something else`);
    else if (names.has(f.name)) issue([i, "name"], `"${f.name}" already names files[${names.get(f.name)}]`);
    else names.set(f.name, i);
  });
  const lookupKeys = new Map<string, string>();
  files.forEach((f, i) => {
    for (const [field, m] of Object.entries(f.columns ?? {})) {
      if (typeof m === "string" || m.from === undefined || m.on === undefined || files[names.get(m.from) ?? -1]?.role !== "lookup") continue;
      const there = typeof m.on === "string" ? m.on : Object.values(m.on)[0];
      const first = lookupKeys.get(m.from);
      if (first === undefined) lookupKeys.set(m.from, there);
      else if (first !== there) issue([i, "columns", field, "on"], `the lookup "${m.from}" is keyed by ${first} elsewhere: its rows are counted by one key`);
    }
  });
  files.forEach((f, i) => {
    if (f.role === "lookup") {
      if (f.name === undefined) issue([i, "role"], 'a lookup file needs a "name" for the joins that read it');
      for (const key of ["entity", "source", "columns"] as const) {
        if (f[key] !== undefined) issue([i, key], `a lookup file holds no entity of its own: drop "${key}", the joins that name it say which columns they take`);
      }
    }
    if (f.scale !== undefined) {
      const [low, high] = f.scale;
      if (low >= high) issue([i, "scale"], `the scale's lowest value comes first: [${high}, ${low}]?`);
      if (f.entity === "nps_responses" && (low !== 0 || high !== 10)) {
        issue([i, "scale"], `NPS is asked on 0–10; a ${low}–${high} score is a rating: write "entity": "ratings", "scale": [${low}, ${high}]`);
      } else if (f.entity !== "ratings" && f.entity !== "nps_responses") {
        issue([i, "scale"], `"scale" is for a score: on a ratings file ("entity": "ratings", "scale": [1, 5]) or an NPS file ([0, 10])`);
      }
    }
    for (const [field, mapping] of Object.entries(f.columns ?? {})) {
      if (typeof mapping === "string" || mapping.from === undefined) continue;
      const at = [i, "columns", field, "from"];
      if (names.has(mapping.from)) {
        if (names.get(mapping.from) === i) issue(at, `a file cannot join itself`);
        continue;
      }
      if (!isEntity(mapping.from)) {
        issue(at, `"${mapping.from}" names no file (give the file "name": "${mapping.from}") and no entity (${entityNames.join(", ")})`);
        continue;
      }
      const entity = f.entity !== undefined && isEntity(f.entity) ? f.entity : undefined;
      if (entity === undefined || loadOrder.indexOf(mapping.from) >= loadOrder.indexOf(entity)) {
        issue(at, `${mapping.from} are not loaded before ${entity ?? "this file"}: join a file by its "name" instead`);
        continue;
      }
      const model = new Set(columnsOf(mapping.from).map((c) => c.name));
      const there = typeof mapping.on === "string" ? mapping.on : Object.values(mapping.on ?? {})[0];
      for (const [key, column] of [["on", there], ["value", mapping.value], ["sum", mapping.sum]] as const) {
        if (column !== undefined && !model.has(column)) issue([i, "columns", field, key], `${mapping.from} have no column "${column}" (they have ${[...model].join(", ")})`);
      }
    }
  });
}

/**
 * The JSON Schema of rapport.config.json, generated from configSchema (what a
 * file may hold: defaults are optional). Committed as
 * schema/rapport.config.schema.json (`npm run config-schema` rewrites it;
 * test/ingest/config-schema.test.ts checks it is current) and mapped to
 * rapport.config.json in .vscode/settings.json, so editors complete and check
 * the file. Cross-field rules (joins, lookups, scales) are zod's alone.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {io: "input", target: "draft-7"}) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "https://rapport.invalid/rapport.config.schema.json",
    title: "rapport.config.json",
    description: "How rapport reads a folder of exports: see README.md, \"Loading your exports\".",
    ...schema
  };
}
