/**
 * SQL builders for ingestion: read an export with every column as text, parse
 * each model field, and flag every row that cannot be accepted with the
 * column, the raw value and a reason a person can act on. Pure functions of
 * their arguments: golden-tested in test/ingest/sql.test.ts.
 *
 * Parsing rules (the same for every source):
 * - text: trimmed; empty is missing;
 * - times: ISO 8601 with or without an offset (stored as UTC), then the
 *   export's strptime formats, then a few offset formats tools write
 *   ("2024-01-15 10:23:45 -0500");
 * - numbers: currency symbols and ISO codes, spaces and thousands separators
 *   are dropped; "(12.00)" is negative; the decimal separator is the export's;
 * - whole numbers: numbers that must have no fraction;
 * - enumerations: lower-cased after the source's value translation.
 */
import {columnsOf, type ColumnSpec} from "../schema/columns.js";
import {rowRules, type Entity} from "../schema/model.js";
import {literal} from "../warehouse/duckdb.js";
import {col, type ExportRule, type FieldMapping, type SqlOfColumns} from "./source.js";

export const offsetFormats = ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%z"];

export interface ReadOptions {
  /** Name of the table to create. */
  table: string;
  /** Where DuckDB puts rows it cannot parse as CSV (wrong column count, bad quoting, bad encoding). */
  rejectsTable: string;
  encoding?: string;
  delimiter?: string;
}

/**
 * Creates a view with `_line` (the record's line, header = 1) and every column
 * as VARCHAR, read when the view is scanned. CSV lines DuckDB cannot take as records (too few or too many
 * fields, as a truncated file or an unquoted delimiter leave, broken quoting,
 * bad encoding) go to rejectsTable with their line.
 */
export function readSql(path: string, rule: Pick<ExportRule, "read">, {table, rejectsTable, encoding, delimiter}: ReadOptions): string {
  const lower = path.toLowerCase();
  const relation = rule.read
    ? rule.read(path)
    : lower.endsWith(".parquet")
      ? `SELECT row_number() OVER () AS _line, COLUMNS(*)::VARCHAR FROM read_parquet(${literal(path)})`
      : /\.(json|ndjson|jsonl)$/.test(lower)
        ? `SELECT row_number() OVER () AS _line, COLUMNS(*)::VARCHAR FROM read_json_auto(${literal(path)})`
        : `SELECT (row_number() OVER () + 1)::BIGINT AS _line, * FROM read_csv(${literal(path)}, all_varchar = true, header = true, ` +
          `store_rejects = true, rejects_table = ${literal(rejectsTable)}, rejects_scan = ${literal(`${rejectsTable}_scan`)}` +
          (encoding ? `, encoding = ${literal(encoding)}` : "") +
          (delimiter ? `, delim = ${literal(delimiter)}` : "") +
          `)`;
  return `CREATE OR REPLACE TEMP VIEW ${table} AS ${relation}`;
}

/**
 * When DuckDB's reader rejected records, the accepted ones were numbered as
 * if those lines did not exist: renumber them to skip the rejected lines.
 */
export function renumberSql(table: string, rejectsTable: string): string {
  return `UPDATE ${table} SET _line = fixed.line FROM (
  SELECT line, row_number() OVER (ORDER BY line) + 1 AS counted
  FROM range(2, (SELECT count(*) FROM ${table}) + (SELECT count(*) FROM (SELECT DISTINCT line FROM ${rejectsTable})) + 2) r(line)
  WHERE line NOT IN (SELECT line FROM ${rejectsTable})
) fixed WHERE ${table}._line = fixed.counted`;
}

/** Where each model field comes from in this export: an SQL expression over raw columns, or undefined. */
export function resolveFields(entity: Entity, rule: ExportRule, header: readonly string[]): Map<string, {raw?: string; mapping: FieldMapping; from: string}> {
  const byLower = new Map(header.map((h) => [h.trim().toLowerCase(), h]));
  const resolved = new Map<string, {raw?: string; mapping: FieldMapping; from: string}>();
  for (const spec of columnsOf(entity)) {
    const mapping: FieldMapping = rule.columns?.[spec.name] ?? {};
    if (mapping.sql) {
      resolved.set(spec.name, {raw: sqlOf(mapping.sql, header), mapping, from: "(expression)"});
      continue;
    }
    const candidates = mapping.column === undefined ? [spec.name] : typeof mapping.column === "string" ? [mapping.column] : mapping.column;
    const found = candidates.map((c) => byLower.get(c.toLowerCase())).find((c) => c !== undefined);
    resolved.set(spec.name, {raw: found === undefined ? undefined : col(found), mapping, from: found ?? candidates.join(" or ")});
  }
  return resolved;
}

/**
 * Creates `staged`: one row per record with `_line`, the parsed fields, and
 * `problem` (a struct of column, value and reason, or NULL for a good row).
 */
export function stageSql(
  entity: Entity,
  rule: ExportRule,
  fields: ReturnType<typeof resolveFields>,
  {source, table, staged, header, extras = {}, optional = [], rules = true}: {
    source: string;
    table: string;
    staged: string;
    header: readonly string[];
    /** More columns to keep, as SQL over the raw columns (src/ingest/lines.ts). */
    extras?: Readonly<Record<string, string>>;
    /** Required fields that may be empty in this file (a guest order's customer_id). */
    optional?: readonly string[];
    /** Whether to check the model's row rules here (false: lines.ts checks them on whole orders). */
    rules?: boolean;
  }
): string {
  const specs = columnsOf(entity).map((s) => (optional.includes(s.name) ? {...s, required: false} : s));
  const text = (name: string) => {
    const {raw, mapping} = fields.get(name)!;
    let x = raw === undefined ? "NULL::VARCHAR" : `nullif(trim(${raw}::VARCHAR), '')`;
    if (mapping.values) {
      const cases = Object.entries(mapping.values).map(([from, to]) => `WHEN ${literal(from.toLowerCase())} THEN ${literal(to)}`);
      x = `CASE lower(${x}) ${cases.join(" ")} ELSE ${x} END`;
    }
    if (mapping.default !== undefined) x = `coalesce(${x}, ${literal(mapping.default)})`;
    return x;
  };
  const raws = specs.map((s) => `${text(s.name)} AS "r_${s.name}"`);
  const parsed = specs.map((s) => `${parse(s, `"r_${s.name}"`, rule, fields.get(s.name)!.mapping)} AS "${s.name}"`);
  const checks = specs.flatMap((s) => fieldChecks(s, rule));
  const ruleChecks = (rules ? rowRules[entity] : []).map((r): Check => [r.when, problem(literal(r.column), `"r_${r.column}"`, literal(r.reason))]);
  const skipWhen = rule.skip ? sqlOf(rule.skip.when, header) : undefined;
  const skip = skipWhen ? `, coalesce(${skipWhen}, false) AS _skip` : ", false AS _skip";
  return `CREATE OR REPLACE TEMP TABLE ${staged} AS
SELECT _line, _skip, ${specs.map((s) => `"${s.name}"`).join(", ")},
  ${problemCase([...checks, ...ruleChecks])} AS problem,
  ${literal(source)} AS _source${Object.keys(extras).map((name) => `, "${name}"`).join("")}
FROM (
  SELECT *, ${parsed.join(", ")}
  FROM (SELECT _line${skip}, ${raws.join(", ")}${Object.entries(extras).map(([name, sql]) => `, ${sql} AS "${name}"`).join("")} FROM ${table})
)`;
}

/** Resolves a mapping's SQL against the file's header. */
export function sqlOf(sql: string | SqlOfColumns, header: readonly string[]): string {
  if (typeof sql === "string") return sql;
  const byLower = new Map(header.map((h) => [h.trim().toLowerCase(), h]));
  return sql((name) => {
    const found = byLower.get(name.toLowerCase());
    return found === undefined ? "NULL::VARCHAR" : col(found);
  }, header);
}

/**
 * The row's first problem: CASE over the checks, each `WHEN condition THEN struct`. Its conditions
 * are OR-ed first, and the struct CASE runs only where one holds. Same value (where no condition is
 * true, the OR is false or NULL and so is every WHEN), at about half the cost of staging: a CASE of
 * STRUCT type over every row costs more than all the parsing (2M orders: 2.4-2.8 s CPU instead of
 * 4.5-5.1 s for the whole staging, measured back to back).
 */
export function problemCase(checks: readonly Check[]): string {
  if (checks.length === 0) return `NULL::STRUCT("column" VARCHAR, "value" VARCHAR, reason VARCHAR)`;
  return `CASE WHEN ${checks.map(([when]) => `(${when})`).join("\n    OR ")}
    THEN CASE ${checks.map(([when, then]) => `WHEN ${when} THEN ${then}`).join("\n      ")} END END`;
}

/** A check on a staged row: [condition, the problem struct when it holds]. */
export type Check = readonly [when: string, problem: string];

function fieldChecks(spec: ColumnSpec, rule: ExportRule): Check[] {
  const raw = `"r_${spec.name}"`;
  const value = `"${spec.name}"`;
  const name = literal(spec.name);
  const checks: Check[] = [];
  if (spec.required) checks.push([`${raw} IS NULL`, problem(name, "NULL", literal(`missing ${spec.name}`))]);
  const bad = {
    string: undefined,
    timestamp: `not a date${rule.dateFormats?.length ? ` in the formats ${rule.dateFormats.join(", ")}` : " (expected ISO 8601 such as 2024-01-15 or 2024-01-15T10:00:00Z; set dateFormats for others)"}`,
    number: `not a number${rule.decimal === "," ? " (decimal comma expected)" : ""}`,
    integer: "not a whole number",
    enum: `unknown value (expected ${spec.values?.join(", ")})`
  }[spec.kind];
  if (bad) checks.push([`${raw} IS NOT NULL AND ${value} IS NULL`, problem(name, raw, literal(bad))]);
  if (spec.min !== undefined || spec.max !== undefined) {
    const range = spec.max === undefined ? `at least ${spec.min}` : spec.min === undefined ? `at most ${spec.max}` : `between ${spec.min} and ${spec.max}`;
    const out = [spec.min !== undefined ? `${value} < ${spec.min}` : "", spec.max !== undefined ? `${value} > ${spec.max}` : ""].filter(Boolean).join(" OR ");
    checks.push([out, problem(name, raw, literal(`${spec.name} out of range: must be ${range}`))]);
  }
  return checks;
}

function parse(spec: ColumnSpec, x: string, rule: ExportRule, mapping: FieldMapping): string {
  switch (spec.kind) {
    case "string":
      return x;
    case "enum":
      return `CASE WHEN lower(${x}) IN (${spec.values!.map(literal).join(", ")}) THEN lower(${x}) END`;
    case "timestamp": {
      const formats = rule.dateFormats?.length ? `try_strptime(${x}, [${rule.dateFormats.map(literal).join(", ")}])::TIMESTAMP, ` : "";
      // Fast path first: text with no offset, or ending in Z, reads the same as a plain TIMESTAMP (the session
      // is UTC) and skips the time-zone machinery, several times slower over millions of rows. A string with an
      // offset must not take it: a TIMESTAMP cast ignores the offset.
      const plain = `CASE WHEN right(${x}, 1) = 'Z' OR length(${x}) = 10 OR (length(${x}) = 19 AND substr(${x}, 17, 1) = ':') THEN try_cast(${x} AS TIMESTAMP) END`;
      return `coalesce(${formats}${plain}, try_cast(${x} AS TIMESTAMPTZ)::TIMESTAMP, try_strptime(${x}, [${offsetFormats.map(literal).join(", ")}])::TIMESTAMP)`;
    }
    case "number":
    case "integer": {
      const n = `${number(x, rule.decimal ?? ".")}${mapping.scale !== undefined ? ` * ${mapping.scale}` : ""}`;
      return spec.kind === "integer" ? `CASE WHEN ${n} = round(${n}) THEN (${n})::INTEGER END` : n;
    }
  }
}

/** Parses money-like text as a DOUBLE (NULL when it is no number), as every number field is parsed. */
export function numberSql(x: string, decimal: "." | ","): string {
  return number(x, decimal);
}

/** Parses money-like text: "$1,234.50", "USD 1,234.50", "1.234,50 €", "(12.00)". */
export function number(x: string, decimal: "." | ","): string {
  const stripped = `regexp_replace(${x}, '[$€£¥₹\\s\\x{00a0}]|^[A-Za-z]{3}\\s*|\\s*[A-Za-z]{3}$', '', 'g')`;
  const signed = `regexp_replace(${stripped}, '^\\((.*)\\)$', '-\\1')`;
  const normal = decimal === "," ? `replace(replace(${signed}, '.', ''), ',', '.')` : `replace(${signed}, ',', '')`;
  // Fast path for plain numbers ("12.50"), which most values are: no regular expression. Only for a decimal
  // point ("1.234" means 1234 with a decimal comma), and only finite values ("NaN" and "inf" are rejected).
  if (decimal === ".") return `coalesce(CASE WHEN isfinite(try_cast(${x} AS DOUBLE)) THEN try_cast(${x} AS DOUBLE) END, try_cast(${normal} AS DOUBLE))`;
  return `try_cast(${normal} AS DOUBLE)`;
}

function problem(column: string, value: string, reason: string): string {
  return `{'column': ${column}, 'value': left(${value}::VARCHAR, 200), 'reason': ${reason}}`;
}

const utf8Reason = literal('not valid UTF-8: set "encoding" for this file in rapport.config.json ("windows-1252" for Excel on Windows, "latin-1", "utf-16le" or "utf-16be")');

/** The reason a person reads for a line DuckDB's CSV reader (or normaliseCsv) rejected, by its error type. */
export function readerReasonSql(errorType: string): string {
  return `CASE ${errorType}
    WHEN 'MISSING COLUMNS' THEN 'too few fields on the line (a truncated file?)'
    WHEN 'TOO MANY COLUMNS' THEN 'too many fields on the line (an unquoted delimiter in a value?)'
    WHEN 'UNQUOTED VALUE' THEN 'broken quoting (a quote opened on this line is never closed; the lines after it were read on their own)'
    WHEN 'INVALID ENCODING' THEN ${utf8Reason}
    WHEN 'INVALID UNICODE' THEN ${utf8Reason}
    WHEN 'LINE SIZE OVER MAXIMUM' THEN 'line longer than 2 MB (a runaway value?)'
    ELSE 'unreadable line: ' || lower(${errorType}) END`;
}

/** Marks later rows that repeat an id already seen in the same file: identical, or with different content. */
export function duplicatesSql(entity: Entity, staged: string): string {
  const fields = columnsOf(entity).map((s) => `"${s.name}"`);
  return `UPDATE ${staged} SET problem = d.problem FROM (
  SELECT _line, CASE WHEN h = first_h
    THEN {'column': 'id', 'value': id, 'reason': 'repeats line ' || first_line || ' exactly'}
    ELSE {'column': 'id', 'value': id, 'reason': 'duplicate id with different content (first at line ' || first_line || ')'} END AS problem
  FROM (
    SELECT _line, id, hash(${fields.join(", ")}) AS h,
      first_value(hash(${fields.join(", ")})) OVER w AS first_h, first_value(_line) OVER w AS first_line, row_number() OVER w AS n
    FROM ${staged} WHERE problem IS NULL AND NOT _skip
    WINDOW w AS (PARTITION BY id ORDER BY _line)
  ) WHERE n > 1
) d WHERE ${staged}._line = d._line`;
}

/** Marks rows whose customer_id names no known customer. */
export function unknownCustomerSql(staged: string): string {
  return `UPDATE ${staged} SET problem = {'column': 'customer_id', 'value': customer_id, 'reason': 'unknown customer (not in the customers export)'}
WHERE problem IS NULL AND NOT _skip AND ${unknownCustomerWhere}`;
}

/** The condition unknownCustomerSql marks (on rows without a problem yet). */
export const unknownCustomerWhere = "customer_id NOT IN (SELECT id FROM customers)";

/**
 * The warehouse table for an entity: the model's columns plus where each row
 * came from. No PRIMARY KEY: upsertSql keeps ids unique, and an index would
 * cost more than the load of a large export.
 */
export function createTableSql(entity: Entity): string {
  const columns = columnsOf(entity).map((s) => `"${s.name}" ${s.duckdbType}`);
  const extra = entity === "customers" ? ", _derived BOOLEAN DEFAULT false" : "";
  return `CREATE TABLE IF NOT EXISTS ${entity} (${columns.join(", ")}, _source VARCHAR, _line BIGINT${extra})`;
}

/** Replaces rows by id with the staged good rows (an overlapping export updates, never duplicates). */
export function upsertSql(entity: Entity, staged: string): string[] {
  const names = columnsOf(entity).map((s) => `"${s.name}"`).join(", ");
  return [
    `DELETE FROM ${entity} WHERE id IN (SELECT id FROM ${staged} WHERE problem IS NULL AND NOT _skip)`,
    `INSERT INTO ${entity} (${names}, _source, _line) SELECT ${names}, _source, _line FROM ${staged} WHERE problem IS NULL AND NOT _skip`
  ];
}
