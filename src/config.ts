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

const fileConfig = z.strictObject({
  /** A file name pattern (* and ?), or a path pattern with / and ** matched against the path given. */
  match: z.string().min(1),
  source: z.string().optional(),
  entity: z.enum(entityNames as [string, ...string[]]).optional(),
  columns: z.record(z.string(), fieldMapping).optional(),
  dateFormats: z.union([z.string(), z.array(z.string())]).optional(),
  decimal: z.enum([".", ","]).optional(),
  delimiter: z.string().optional(),
  encoding: z.enum(["utf-8", "utf-16", "latin-1"]).optional()
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
  /**
   * Predicted CLV by group: a group with at least this many customers with a repeat purchase gets its
   * own model fit; a smaller one is valued with the fit on all customers (see src/metrics/clv.ts for why 100).
   */
  clvMinGroupRepeaters: z.number().int().min(1).default(100),
  /** A kind of data whose latest record is older than this many days at build time is flagged stale. */
  staleAfterDays: z.number().positive().default(30),
  files: z.array(fileConfig).default([])
});

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
