/**
 * `rapport init PATH [--force]`: reads the header and first rows of each CSV
 * export in PATH (with the CSV reader of src/ingest/csv.ts: its encoding,
 * delimiter and quoting decisions) and writes a draft rapport.config.json
 * there, guessed by src/ingest/guess.ts. Prints one line per guess and per
 * thing it could not tell. An existing config is never overwritten without
 * --force.
 */
import {existsSync, readdirSync, statSync} from "node:fs";
import {writeFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {sources} from "../../loaders/index.js";
import {configNames, type FileConfig} from "../config.js";
import {RapportError, UsageError, exitCodes} from "../errors.js";
import {openCsv, scanExport} from "../ingest/csv.js";
import {detectExport} from "../ingest/detect.js";
import {configText, guessConfig, type SampledFile} from "../ingest/guess.js";
import {columnsOf} from "../schema/columns.js";
import {withDuckDB} from "../warehouse/duckdb.js";
import type {Command} from "./command.js";

/** Rows read per file: enough for repeats, credit notes, guests and keys to show; a longer file adds rows drawn from all of it. */
export const sampleRows = 20_000;

export const init: Command = {
  usage: "PATH",
  summary: "guess a draft rapport.config.json from the exports in PATH (--force to replace one)",
  options: {force: {type: "boolean"}},
  optionHelp: ["--force               init: replace an existing rapport.config.json"],
  async run({args, cwd, values}) {
    if (args.length !== 1) throw new UsageError("rapport init takes one folder: rapport init path/to/exports");
    const dir = resolve(cwd, args[0]);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RapportError(`${dir}: no such folder`, "bad-input", {file: dir});
    const existing = configNames.map((n) => join(dir, n)).find((p) => existsSync(p));
    if (existing && !values.force) throw new RapportError(`${existing} exists: rapport init leaves it as it is (--force replaces it)`, "bad-input", {file: existing});
    const entries = readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile() && !configNames.includes(n)).sort();
    const names = entries.filter((n) => /\.(csv|tsv|txt)$/i.test(n));
    if (names.length === 0) throw new RapportError(`${dir}: no CSV exports (.csv, .tsv, .txt) to read`, "bad-input", {file: dir});
    const unread = entries.filter((n) => /\.(json|ndjson|jsonl|parquet)$/i.test(n)).map((n) => `${n}: rapport init reads CSV exports only; map it by hand if it needs an entry`);
    const files = await withDuckDB(async (db) => {
      const sampled: SampledFile[] = [];
      for (const name of names) {
        const file = await sample(db, join(dir, name), name).catch((error: Error) => (unread.push(`${name}: could not be read (${error.message.split("\n")[0]})`), undefined));
        if (file && file.columns.length === 0) unread.push(`${name}: empty, no header to read`);
        else if (file) sampled.push(file);
      }
      return sampled;
    });
    const {config, guessed, unknown} = guessConfig(files);
    unknown.push(...unread);
    const out = join(dir, "rapport.config.json");
    await writeFile(out, configText(config));
    for (const line of guessed) process.stderr.write(`rapport init: guessed ${line}\n`);
    for (const line of unknown) process.stderr.write(`rapport init: not guessed: ${line}\n`);
    process.stderr.write(`rapport init: wrote ${out} (${config.files.length} file entries); check it, then run rapport check ${args[0]}\n`);
    return exitCodes.ok;
  }
};

/** The header and first rows of one export, and what a loader already makes of it. */
async function sample(db: Parameters<Parameters<typeof withDuckDB>[0]>[0], path: string, name: string): Promise<SampledFile> {
  const {csv} = await scanExport(path);
  if (csv!.lines === 0) return {name, columns: [], rows: []};
  const reading = await openCsv(db, path, csv!, {delimiter: /\.tsv$/i.test(name) ? "\t" : undefined}, {table: "init_sample", rejectsTable: "init_rejects"});
  try {
    // The first rows (an order's lines lie together) and, in a longer file, rows drawn from all of it (a
    // month-first date shows itself only after the 12th of a month; Online Retail's first 20,000 lines are 1–9 December).
    const half = Math.floor(sampleRows / 2);
    const rows = await db.all<Record<string, string | null>>(
      csv!.lines - 1 <= sampleRows
        ? `SELECT * EXCLUDE (_line) FROM init_sample`
        : `(SELECT * FROM init_sample LIMIT ${half}) UNION ALL (SELECT * FROM (SELECT * FROM init_sample WHERE _line > ${half + 1}) USING SAMPLE reservoir(${half} ROWS) REPEATABLE (42)) ORDER BY _line`
    );
    const header = (await db.all<{column_name: string}>(`SELECT column_name FROM (DESCRIBE init_sample) WHERE column_name <> '_line'`)).map((r) => r.column_name);
    const encoding: FileConfig["encoding"] = csv!.encoding === "utf-8" && !csv!.utf8 ? "windows-1252" : undefined;
    return {
      name,
      columns: header,
      rows: rows.map((r) => Object.fromEntries(header.map((c) => [c, r[c] ?? ""]))),
      lines: csv!.lines - 1,
      known: known(path, header),
      encoding
    };
  } finally {
    await reading.done();
  }
}

/** What a loader reads the file as with no config (a tool's columns, or the model's own), or undefined. */
function known(path: string, header: readonly string[]): string | undefined {
  try {
    const {source, rule} = detectExport(path, header, sources);
    const have = new Set(header.map((h) => h.toLowerCase()));
    if (source.name !== "generic") return rule.signature?.every((c) => have.has(c.toLowerCase())) ? `a ${rule.title} export` : undefined;
    const required = columnsOf(rule.entity).filter((c) => c.required && rule.columns?.[c.name]?.default === undefined);
    return required.every((c) => have.has(c.name)) ? `${rule.title} in the model's own columns` : undefined;
  } catch {
    return undefined;
  }
}
