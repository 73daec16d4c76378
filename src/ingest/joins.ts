/**
 * Several files of one data set, joined as rapport.config.json declares (see
 * src/config.ts): a field's value looked up in another file ("value", one per
 * key) or added up over its rows ("sum"), by a key column; or looked up in an
 * entity already loaded (a review's order → the order's customer).
 *
 * Counting, so read = accepted + rejected + skipped holds for every file:
 * - the consuming file: a record whose key is empty, found nowhere, found with
 *   two different values, or whose summed rows hold a value that is not a
 *   number, is rejected, naming the key and the other file;
 * - a "lookup" file (payments): per key, the first row is accepted when its
 *   record was accepted, the further rows of that key are skipped ("further
 *   row of the same order, added to it"), like an order's further line items;
 *   rows of a record that was itself rejected are skipped (the record's reject
 *   says why); rows whose key no record has ("a payment for an unknown
 *   order") and rows whose summed value is not a number are rejected;
 * - a named entity file (customers that are also the people look-up) skips a
 *   row repeating an earlier one exactly (Olist lists a person once per order).
 *
 * Joined files are materialised as temp tables `_named_<name>` with every
 * column VARCHAR and `_line`; the consuming file's rows are joined to one
 * aggregate per key, so a record never multiplies.
 */
import {createHash} from "node:crypto";
import {basename, relative} from "node:path";
import {fileConfigFor, type FileConfig, type RapportConfig} from "../config.js";
import {columnsOf} from "../schema/columns.js";
import {isEntity, type Entity} from "../schema/model.js";
import {literal, type Database} from "../warehouse/duckdb.js";
import {IngestError} from "./errors.js";
import {col, type ExportRule, type FieldMapping} from "./source.js";
import {number, readSql, readerReasonSql, renumberSql} from "./sql.js";

/** One join of a consuming file: field ← other side, by key. */
export interface Join {
  field: string;
  /** A file's name, or an entity loaded earlier. */
  from: string;
  /** This file's key column, and the other side's. */
  here: string;
  there: string;
  kind: "value" | "sum";
  /** The other side's column taken. */
  column: string;
  /** The temp column of the joined table holding the value (and its check columns, with suffixes). */
  alias: string;
  mapping: FieldMapping;
}

/** What the joins of a load need to know about the named files. */
export interface NamedFile {
  name: string;
  path: string;
  relativePath: string;
  config: FileConfig;
  readOptions: {encoding?: string; delimiter?: string};
}

export function joinsOf(rule: ExportRule): Join[] {
  return Object.entries(rule.columns ?? {}).flatMap(([field, mapping], i) => {
    if (!mapping?.from || !mapping.on) return [];
    const [here, there] = typeof mapping.on === "string" ? [mapping.on, mapping.on] : Object.entries(mapping.on)[0];
    const kind = mapping.sum !== undefined ? "sum" : "value";
    return [{field, from: mapping.from, here, there, kind, column: (mapping.sum ?? mapping.value)!, alias: `__join_${i}`, mapping}];
  });
}

/** The entity whose records a lookup file's rows join (the files entries that name it in "from"). */
export function consumerOf(config: RapportConfig, name: string): {entity: Entity; matches: string[]} | undefined {
  const users = config.files.filter((f) => Object.values(f.columns ?? {}).some((m) => typeof m !== "string" && m.from === name));
  const entity = users.map((f) => f.entity).find((e) => e !== undefined && isEntity(e));
  return entity === undefined ? undefined : {entity: entity as Entity, matches: users.map((f) => f.match)};
}

/** The rule with a ratings file's stated scale as the default of scale_min and scale_max. */
export function withScale(rule: ExportRule, config: FileConfig | undefined): ExportRule {
  if (rule.entity !== "ratings" || config?.scale === undefined) return rule;
  const [low, high] = config.scale;
  return {
    ...rule,
    columns: {...rule.columns, scale_min: rule.columns?.scale_min ?? {default: String(low)}, scale_max: rule.columns?.scale_max ?? {default: String(high)}}
  };
}

const tableOf = (name: string) => `"_named_${name}"`;

/** Reads a named file once into `_named_<name>` (every column VARCHAR, `_line` the record's line). */
export async function materialise(db: Database, file: NamedFile): Promise<void> {
  const [exists] = await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = ${literal(`_named_${file.name}`)}`);
  if (exists) return;
  const rejects = `_named_${file.name}_rejects`;
  try {
    await db.run(readSql(file.path, {}, {table: "named_view", rejectsTable: rejects, ...file.readOptions}));
    await db.run(`CREATE TEMP TABLE ${tableOf(file.name)} AS SELECT * FROM named_view; DROP VIEW named_view`);
  } catch (error) {
    throw new IngestError(
      `${file.relativePath}: cannot read this file (${(error as Error).message.split("\n")[0]}). Check that it is a complete CSV, JSON or Parquet export; for CSV in another encoding set "encoding" for it in rapport.config.json.`,
      "bad-input",
      file.relativePath
    );
  }
  const [row] = await db.all<{n: bigint}>(`SELECT count(DISTINCT line) AS n FROM ${rejects}`);
  if (Number(row.n) > 0) await db.run(renumberSql(tableOf(file.name), rejects));
}

/**
 * Creates the temp table `joined`: the consuming file's raw rows, each with
 * its joins' values (VARCHAR, numbers written with the file's decimal
 * separator so they parse as the file's own) and what the checks need:
 * whether the key was found, how many distinct values it had, and the first
 * summed row whose value is not a number.
 */
export function joinedSql(raw: string, joins: readonly Join[], sides: ReadonlyMap<string, {relation: string; decimal: "." | ","; describe: string}>, decimal: "." | ","): string {
  const parts = joins.map((j, i) => {
    const side = sides.get(j.from)!;
    const key = `nullif(trim(${col(j.there)}::VARCHAR), '')`;
    const value = `nullif(trim(${col(j.column)}::VARCHAR), '')`;
    // A summed value is parsed once, in the subquery below (as "__number").
    const aggregate =
      j.kind === "sum"
        ? `sum(__number) AS v, count(*) FILTER (WHERE __number IS NULL) AS bad, min(_line) FILTER (WHERE __number IS NULL) AS bad_line,
             arg_min(${value}, _line) FILTER (WHERE __number IS NULL) AS bad_value, 1 AS n`
        : // n: 0 when every value is empty, 1 when they agree, 2 when they differ (cheaper than count(DISTINCT)).
          `min(${value}) AS v, 0 AS bad, NULL::BIGINT AS bad_line, NULL::VARCHAR AS bad_value, CASE WHEN min(${value}) IS NULL THEN 0 WHEN min(${value}) = max(${value}) THEN 1 ELSE 2 END AS n`;
    const written = j.kind === "sum" && decimal === "," ? `replace(j${i}.v::VARCHAR, '.', ',')` : `j${i}.v::VARCHAR`;
    return {
      select: `${written} AS "${j.alias}", j${i}.k IS NOT NULL AS "${j.alias}_found", j${i}.n AS "${j.alias}_n", j${i}.bad AS "${j.alias}_bad", j${i}.bad_line AS "${j.alias}_bad_line", j${i}.bad_value AS "${j.alias}_bad_value", nullif(trim(r.${col(j.here)}::VARCHAR), '') AS "${j.alias}_key"`,
      join: `LEFT JOIN (SELECT ${key} AS k, ${aggregate} FROM ${j.kind === "sum" ? `(SELECT *, ${number(value, side.decimal)} AS __number FROM ${side.relation})` : side.relation} WHERE ${key} IS NOT NULL GROUP BY k) j${i} ON j${i}.k = nullif(trim(r.${col(j.here)}::VARCHAR), '')`
    };
  });
  return `CREATE OR REPLACE TEMP TABLE joined AS SELECT r.*, ${parts.map((p) => p.select).join(", ")} FROM ${raw} r ${parts.map((p) => p.join).join(" ")}`;
}

/**
 * Marks the staged records whose joins failed, replacing only a problem the
 * failed join caused (the field missing); and keeps each join's key on the
 * staged row (`<alias>_key`) for the lookup files' own counts. One pass that
 * rebuilds the table: UPDATEs by line cost several times more on large files.
 */
export function joinProblemsSql(staged: string, joins: readonly Join[], sides: ReadonlyMap<string, {describe: string}>): string[] {
  const p = (column: string, value: string, reason: string) => `{'column': ${literal(column)}, 'value': left(${value}, 200), 'reason': ${reason}}`;
  const cases = joins.flatMap((j) => {
    const a = (s: string) => `j."${j.alias}${s}"`;
    const where = sides.get(j.from)!.describe;
    const mine = `(s.problem IS NULL OR (s.problem.column = ${literal(j.field)} AND s.problem.value IS NULL))`;
    return [
      `WHEN ${mine} AND ${a("_key")} IS NULL THEN ${p(j.here, "NULL::VARCHAR", literal(`missing ${j.here}, the key to ${j.field} in ${where}`))}`,
      // With a default, a key found nowhere (or with an empty value) takes the default.
      ...(j.mapping.default === undefined ? [`WHEN ${mine} AND NOT ${a("_found")} THEN ${p(j.here, a("_key"), literal(`${j.here} not found in ${where}, so no ${j.field}`))}`] : []),
      ...(j.kind === "value"
        ? [
            ...(j.mapping.default === undefined ? [`WHEN ${mine} AND ${a("_n")} = 0 THEN ${p(j.here, a("_key"), literal(`${j.column} is empty for this ${j.here} in ${where}`))}`] : []),
            `WHEN ${mine} AND ${a("_n")} > 1 THEN ${p(j.here, a("_key"), literal(`different ${j.column} for this ${j.here} in ${where}`))}`
          ]
        : [`WHEN ${mine} AND ${a("_bad")} > 0 THEN ${p(j.field, a("_bad_value"), `${literal(`${j.column} is not a number in ${where} line `)} || ${a("_bad_line")} || ${literal(`, so ${j.field} cannot be added up`)}`)}`])
    ];
  });
  const keys = joins.map((j) => `j."${j.alias}_key"`).join(", ");
  return [
    `CREATE OR REPLACE TEMP TABLE ${staged}_joined AS SELECT s.* REPLACE (CASE ${cases.join("\n    ")} ELSE s.problem END AS problem), ${keys}
FROM ${staged} s JOIN joined j ON s._line = j._line`,
    `DROP TABLE ${staged}; ALTER TABLE ${staged}_joined RENAME TO ${staged}`
  ];
}

/**
 * Rewrites the rule so each joined field reads its joined column, keeping its
 * values, default and scale; checks that the key and value columns exist,
 * naming the file and what to write.
 */
export function joinedRule(rule: ExportRule, joins: readonly Join[]): ExportRule {
  const columns: Partial<Record<string, FieldMapping>> = {...rule.columns};
  for (const j of joins) columns[j.field] = {sql: col(j.alias), values: j.mapping.values, default: j.mapping.default, scale: j.mapping.scale};
  return {...rule, columns};
}

export function checkColumns(relativePath: string, header: readonly string[], columns: readonly string[], what: string): void {
  const have = new Set(header.map((h) => h.trim().toLowerCase()));
  const missing = columns.filter((c) => !have.has(c.toLowerCase()));
  if (missing.length > 0) {
    throw new IngestError(
      `${relativePath}: no column ${missing.map((m) => `"${m}"`).join(", ")} for ${what} (the file has ${header.filter((h) => h !== "_line").join(", ")}). Fix "on", "value" or "sum" in rapport.config.json.`,
      "bad-input",
      relativePath
    );
  }
}

export interface Prepared {
  rule: ExportRule;
  joins: Join[];
  sides: Map<string, {relation: string; decimal: "." | ","; describe: string}>;
}

/**
 * Prepares a consuming file's joins: materialises the files it names, checks
 * their columns and its own, creates `joined` from the view `raw` and points
 * `raw` at it. Returns the rewritten rule, or the rule unchanged when it has
 * no joins. `load` is the load's named files and the joins that read each
 * lookup (this file's joins are added).
 */
export async function prepareJoins(
  db: Database,
  relativePath: string,
  rule: ExportRule,
  header: readonly string[],
  load: {named: ReadonlyMap<string, NamedFile>; consumers: Map<string, Join[]>} = {named: new Map(), consumers: new Map()}
): Promise<Prepared> {
  const joins = joinsOf(rule);
  const sides = new Map<string, {relation: string; decimal: "." | ","; describe: string}>();
  if (joins.length === 0) return {rule, joins, sides};
  const {named} = load;
  for (const j of joins) if (named.get(j.from)?.config.role === "lookup") load.consumers.set(j.from, [...(load.consumers.get(j.from) ?? []), j]);
  for (const j of joins) {
    checkColumns(relativePath, header, [j.here], `the key of ${j.field} ("on")`);
    if (sides.has(j.from)) continue;
    const file = named.get(j.from);
    if (file) {
      await materialise(db, file);
      const columns = (await db.all<{column_name: string}>(`DESCRIBE ${tableOf(j.from)}`)).map((c) => c.column_name);
      checkColumns(file.relativePath, columns, [j.there, j.column], `${relativePath}'s ${j.field}`);
      sides.set(j.from, {relation: tableOf(j.from), decimal: file.config.decimal ?? ".", describe: basename(file.relativePath)});
    } else if (isEntity(j.from)) {
      sides.set(j.from, {relation: j.from, decimal: ".", describe: `the ${j.from} loaded (unknown, or rejected in its own file)`});
    } else {
      throw new IngestError(
        `${relativePath}: ${j.field} joins "${j.from}", but no export given matches the files entry named "${j.from}": add that file to the folder, or fix "from"`,
        "bad-input",
        relativePath
      );
    }
  }
  const prepared = {rule: joinedRule(rule, joins), joins, sides};
  await joinRaw(db, prepared, rule.decimal ?? ".");
  return prepared;
}

/**
 * Puts the joins prepared for a file over its raw rows again: after the CSV
 * reader falls back to reading the file line by line, `raw` is the file alone.
 */
export async function joinRaw(db: Database, {joins, sides}: Prepared, decimal: "." | ","): Promise<void> {
  if (joins.length === 0) return;
  await db.run(joinedSql("raw", joins, sides, decimal));
  // The CSV was read (and its unreadable lines noted) just now: from here on, raw is the joined rows.
  await db.run("CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM joined");
}

/**
 * Right after staging: marks failed joins, refuses stars mapped as NPS, and
 * in a named entity file skips rows that repeat an earlier one exactly.
 */
export async function afterStaging(
  db: Database,
  staged: string,
  relativePath: string,
  rule: ExportRule,
  config: FileConfig | undefined,
  prepared: Prepared,
  {starsChecked = false}: {starsChecked?: boolean} = {}
): Promise<void> {
  if (prepared.joins.length) for (const sql of joinProblemsSql(staged, prepared.joins, prepared.sides)) await db.run(sql);
  if (!starsChecked) await refuseStarsAsNps(db, staged, relativePath, rule, config);
  if (config?.name) await db.run(repeatsSkippedSql(rule.entity, staged));
}

/** Before the counts: records the lookup keys the records used, and returns why records were skipped. */
export async function beforeCounting(
  db: Database,
  staged: string,
  prepared: Prepared,
  load: {named: ReadonlyMap<string, NamedFile>} | undefined
): Promise<{reason: string; count: number}[]> {
  if (prepared.joins.length) {
    await db.run("DROP TABLE IF EXISTS joined");
    for (const sql of consumedSql(staged, prepared.joins, load?.named ?? new Map())) await db.run(sql);
  }
  const skips = await db.all<{reason: string; count: bigint}>(`SELECT problem.reason AS reason, count(*) AS count FROM ${staged} WHERE _skip AND problem IS NOT NULL GROUP BY ALL ORDER BY count DESC, reason`);
  return skips.map((r) => ({reason: r.reason, count: Number(r.count)}));
}

/** Records which keys of each lookup file the staged records used, and whether each record was accepted. */
export function consumedSql(staged: string, joins: readonly Join[], named: ReadonlyMap<string, NamedFile>): string[] {
  return joins
    .filter((j) => named.get(j.from)?.config.role === "lookup")
    .flatMap((j) => [
      `CREATE TEMP TABLE IF NOT EXISTS "_consumed_${j.from}" (k VARCHAR, state VARCHAR, file VARCHAR)`,
      `INSERT INTO "_consumed_${j.from}" SELECT "${j.alias}_key", CASE WHEN _skip THEN 'skipped' WHEN problem IS NOT NULL THEN 'rejected' ELSE 'accepted' END, _source FROM ${staged} WHERE "${j.alias}_key" IS NOT NULL`
    ]);
}

/**
 * A lookup file's counts, after its consumers loaded: writes its rejects and
 * returns read, accepted, rejected, skipped and the reasons.
 */
export async function loadLookup(
  db: Database,
  file: NamedFile,
  consumer: {entity: Entity; joins: readonly Join[]},
  at: string
): Promise<{
  read: number;
  accepted: number;
  rejected: number;
  skipped: number;
  reasons: {column: string | null; reason: string; count: number; lines: number[]; examples: {value: string | null; line: number}[]}[];
  skips: {reason: string; count: number}[];
}> {
  await materialise(db, file);
  const t = tableOf(file.name);
  const consumed = `"_consumed_${file.name}"`;
  await db.run(`CREATE TEMP TABLE IF NOT EXISTS ${consumed} (k VARCHAR, state VARCHAR, file VARCHAR)`);
  const there = consumer.joins[0].there;
  const sums = [...new Set(consumer.joins.filter((j) => j.kind === "sum").map((j) => j.column))];
  const decimal = file.config.decimal ?? ".";
  const key = `nullif(trim(${col(there)}::VARCHAR), '')`;
  const files = await db.all<{file: string}>(`SELECT DISTINCT file FROM ${consumed} ORDER BY file`);
  const consumers = files.map((f) => basename(f.file)).join(", ") || `the ${consumer.entity} files`;
  const singular = consumer.entity.replace(/s$/, "");
  const problems = [
    `WHEN ${key} IS NULL THEN {'column': ${literal(there)}, 'value': NULL, 'reason': ${literal(`missing ${there}`)}, 'skip': false}`,
    ...sums.map(
      (s) =>
        `WHEN ${number(`nullif(trim(${col(s)}), '')`, decimal)} IS NULL THEN {'column': ${literal(s)}, 'value': left(${col(s)}, 200), 'reason': ${literal(`not a number${decimal === "," ? " (decimal comma expected)" : ""}`)}, 'skip': false}`
    ),
    `WHEN c.k IS NULL THEN {'column': ${literal(there)}, 'value': left(${key}, 200), 'reason': ${literal(`${there} matches no ${singular} in ${consumers}`)}, 'skip': false}`,
    `WHEN c.state = 'rejected' THEN {'column': ${literal(there)}, 'value': left(${key}, 200), 'reason': ${literal(`its ${singular} was rejected (see ${consumers})`)}, 'skip': true}`,
    `WHEN c.state = 'skipped' THEN {'column': ${literal(there)}, 'value': left(${key}, 200), 'reason': ${literal(`its ${singular} was skipped (see ${consumers})`)}, 'skip': true}`,
    `WHEN row_number() OVER (PARTITION BY ${key} ORDER BY _line) > 1 THEN {'column': ${literal(there)}, 'value': left(${key}, 200), 'reason': ${literal(`further row of the same ${singular}, added to it`)}, 'skip': true}`
  ];
  await db.run(`CREATE OR REPLACE TEMP TABLE lookup_staged AS SELECT _line, CASE ${problems.join("\n    ")} END AS problem
FROM ${t} LEFT JOIN (
  SELECT k, CASE WHEN bool_or(state = 'accepted') THEN 'accepted' WHEN bool_or(state = 'rejected') THEN 'rejected' ELSE 'skipped' END AS state FROM ${consumed} GROUP BY k
) c ON c.k = ${key}`);
  const rejects = `_named_${file.name}_rejects`;
  const readerRejects = Number((await db.all<{n: bigint}>(`SELECT count(DISTINCT line) AS n FROM ${rejects}`))[0].n);
  const path = literal(file.relativePath);
  await db.run(`DELETE FROM _rejects WHERE file = ${path}`);
  await db.run(`INSERT INTO _rejects SELECT ${path}, _line, ${literal(consumer.entity)}, problem.column, problem.value, problem.reason, ${at} FROM lookup_staged WHERE problem IS NOT NULL AND NOT problem.skip`);
  if (readerRejects > 0) {
    await db.run(
      `INSERT INTO _rejects SELECT ${path}, line, ${literal(consumer.entity)}, first(column_name), left(first(csv_line), 200), ${readerReasonSql("first(error_type)")}, ${at} FROM ${rejects} GROUP BY line`
    );
  }
  const skips = await db.all<{reason: string; count: bigint}>(
    `SELECT problem.reason AS reason, count(*) AS count FROM lookup_staged WHERE problem.skip GROUP BY ALL ORDER BY count DESC, reason`
  );
  // Grouped by column and reason, with the first lines and up to three examples, from the rejects just written.
  const reasons = await db.all<{column: string | null; reason: string; count: bigint; lines: bigint[]; examples: {value: string | null; line: bigint}[]}>(
    `SELECT "column", reason, count(*) AS count, list(line ORDER BY line)[1:5] AS lines, list({'value': left(value, 60), 'line': line} ORDER BY line)[1:3] AS examples
     FROM _rejects WHERE file = ${path} GROUP BY ALL ORDER BY count DESC, reason`
  );
  const [totals] = await db.all<{records: bigint}>(`SELECT count(*) AS records FROM lookup_staged`);
  await db.run("DROP TABLE lookup_staged");
  const rejected = reasons.reduce((n, r) => n + Number(r.count), 0);
  const skipped = skips.reduce((n, r) => n + Number(r.count), 0);
  const read = Number(totals.records) + readerRejects;
  return {
    read,
    accepted: read - rejected - skipped,
    rejected,
    skipped,
    reasons: reasons.map((r) => ({column: r.column, reason: r.reason, count: Number(r.count), lines: r.lines.map(Number), examples: r.examples.map((e) => ({value: e.value, line: Number(e.line)}))})),
    skips: skips.map((r) => ({reason: r.reason, count: Number(r.count)}))
  };
}

/** In a named entity file (also a look-up), a row repeating an earlier one exactly is skipped, not rejected. */
export function repeatsSkippedSql(entity: Entity, staged: string): string {
  const fields = columnsOf(entity).map((s) => `"${s.name}"`);
  const singular = entity.replace(/s$/, "");
  return `UPDATE ${staged} SET _skip = true, problem = {'column': 'id', 'value': id, 'reason': 'another row of the same ${singular}, kept for look-ups'} FROM (
  SELECT _line AS line FROM (
    SELECT _line, hash(${fields.join(", ")}) AS h, first_value(hash(${fields.join(", ")})) OVER w AS first_h, row_number() OVER w AS n
    FROM ${staged} WHERE problem IS NULL AND NOT _skip WINDOW w AS (PARTITION BY id ORDER BY _line)
  ) WHERE n > 1 AND h = first_h
) d WHERE ${staged}._line = d.line`;
}

/**
 * Refuses a 0–10 NPS mapping whose scores all lie in 1–5: a star rating
 * scored as NPS makes every answer a detractor. Nothing is converted; the
 * message says what to write. A file stating "scale": [0, 10] is taken at
 * its word.
 */
export async function refuseStarsAsNps(db: Database, staged: string, relativePath: string, rule: ExportRule, config: FileConfig | undefined): Promise<void> {
  if (rule.entity !== "nps_responses" || config?.scale !== undefined) return;
  const [s] = await db.all<{n: bigint; low: number | null; high: number | null}>(
    `SELECT count(score) AS n, min(score)::DOUBLE AS low, max(score)::DOUBLE AS high FROM ${staged} WHERE problem IS NULL AND NOT _skip`
  );
  if (Number(s.n) === 0 || s.low! < 1 || s.high! > 5) return;
  const mapping = rule.columns?.score;
  const column = typeof mapping?.column === "string" ? mapping.column : mapping?.sql ? "(expression)" : "score";
  throw new IngestError(
    `${relativePath}: the score column "${column}" holds only values from 1 to 5 (${Number(s.n)} answers): that is a 1–5 rating (stars, a review), not NPS, ` +
      `which is asked on 0–10; scored as NPS every answer would be a detractor. Nothing was loaded. Load it as ratings: in rapport.config.json write ` +
      `{"match": "${basename(relativePath)}", "entity": "ratings", "scale": [1, 5], "columns": {...}} (ratings have id, customer_id, rated_at, score, comment). ` +
      `If it truly is NPS on 0–10, say so with "scale": [0, 10].`,
    "bad-input",
    relativePath
  );
}

/**
 * A joined file's content includes what it joins: its hash covers its own
 * bytes and those of every file of its data set (named in a files entry with
 * joins), so changing payments reloads orders and the other way round.
 * Returns the members' hashes (none when fewer than two files are joined):
 * use them wherever a file's sha256 is stored or compared.
 */
export function joinedHashes(hashes: Map<string, string>, config: RapportConfig, cwd: string): Map<string, string> {
  const joined = (f: FileConfig) => f.name !== undefined || Object.values(f.columns ?? {}).some((m) => typeof m !== "string" && m.from !== undefined);
  const members = [...hashes.keys()].filter((path) => {
    const f = fileConfigFor(config, relative(cwd, path) || basename(path));
    return f !== undefined && joined(f);
  });
  if (members.length < 2) return new Map();
  const together = createHash("sha256");
  for (const path of members.sort()) together.update(hashes.get(path)!);
  const set = together.digest("hex");
  return new Map(members.map((path) => [path, createHash("sha256").update(hashes.get(path)! + set).digest("hex")]));
}
