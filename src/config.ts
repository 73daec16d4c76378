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
import {entityNames} from "./schema/model.js";

const fieldMapping = z.union([
  z.string().min(1),
  z.strictObject({
    column: z.union([z.string(), z.array(z.string())]).optional(),
    sql: z.string().optional(),
    values: z.record(z.string(), z.string()).optional(),
    scale: z.number().optional(),
    default: z.string().optional()
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
    quantity: z.string().min(1).optional(),
    /** Column of the unit price on each line. */
    unitPrice: z.string().min(1).optional()
  })
  .refine((l) => (l.quantity === undefined) === (l.unitPrice === undefined), "give both quantity and unitPrice, or neither (then the column mapped to amount is summed)");

/**
 * Which records are returns (credit notes, refunds): not orders and not
 * activity, they reduce the customer's net revenue in the month they happen.
 * Any rule that matches makes a return.
 */
const returnsConfig = z.strictObject({
  /** A regular expression on the order id ("^C": Online Retail's credit notes). */
  idPattern: z.string().min(1).optional(),
  /** An order (after summing its lines) with a negative amount is a return. */
  negative: z.boolean().optional(),
  /** Values of the status column (case-insensitive) that mark a return ("refund", "credit note"). */
  status: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  /** Column naming the order a return refers to, when the export says it. */
  originalId: z.string().min(1).optional()
});

const fileConfig = z.strictObject({
  /** A file name pattern (* and ?), or a path pattern with / and ** matched against the path given. */
  match: z.string().min(1),
  source: z.string().optional(),
  entity: z.enum(entityNames as [string, ...string[]]).optional(),
  columns: z.record(z.string(), fieldMapping).optional(),
  dateFormats: z.union([z.string(), z.array(z.string())]).optional(),
  decimal: z.enum([".", ","]).optional(),
  delimiter: z.string().optional(),
  encoding: z.enum(["utf-8", "utf-16", "latin-1"]).optional(),
  /** Orders only: one row per order line (see linesConfig). */
  lines: linesConfig.optional(),
  /** Orders only: which rows are returns or credit notes (see returnsConfig). */
  returns: returnsConfig.optional(),
  /** Orders only: "allow" keeps orders with no customer id apart as guest orders; "reject" (default) rejects them. */
  guests: z.enum(["allow", "reject"]).optional(),
  /** The currency of the file's amounts when it has no currency column (overrides the top-level currency). */
  currency: currencyCode.optional()
});

export const configSchema = z.strictObject({
  warehouse: z.string().default(".rapport/warehouse.duckdb"),
  rejectThreshold: z.number().min(0).max(1).default(0.05),
  /**
   * An internal build for a private deployment, allowed to show personal
   * data: the privacy check then reports instead of failing, and the build
   * says loudly that the output is not for public hosting.
   */
  private: z.boolean().default(false),
  /** Published breakdowns merge or withhold groups of fewer customers than this. */
  minGroupSize: z.number().int().min(1).default(10),
  /** A kind of data whose latest record is older than this many days at build time is flagged stale. */
  staleAfterDays: z.number().positive().default(30),
  /** The currency of every export's amounts that has no currency column or file currency of its own. */
  currency: currencyCode.optional(),
  /**
   * With several currencies among the exports: the one reports are in, and
   * `rates` giving one unit of each other currency in it ({"USD": 0.79}).
   * Amounts are converted when loaded. Without it, mixed currencies are refused.
   */
  reportingCurrency: currencyCode.optional(),
  rates: z.record(currencyCode, z.number().positive()).optional(),
  files: z.array(fileConfig).default([])
}).refine((c) => c.rates === undefined || c.reportingCurrency !== undefined, {message: "rates need a reportingCurrency to convert to", path: ["rates"]});

export type RapportConfig = z.infer<typeof configSchema>;
export type FileConfig = z.infer<typeof fileConfig>;

export const configNames = ["rapport.config.json", "rapport.config.ts", "rapport.config.js"];

/** Reads and validates the config at path, or the first of configNames in dir; defaults when there is none. */
export async function loadConfig(dir: string, path?: string): Promise<RapportConfig> {
  const file = path ? resolve(dir, path) : configNames.map((n) => resolve(dir, n)).find((p) => existsSync(p));
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
  const result = configSchema.safeParse(raw);
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
