/**
 * Complementary suppression: the one mechanism that decides which cells of a
 * published table of totals and parts are withheld, so that no published
 * figure, and no published total minus the published parts, describes fewer
 * than minGroup people (customers, responses, tickets: the table's unit).
 *
 * Rule, per line (a total and the parts that add up to it: the groups of a
 * period, the months of a quarter): a part smaller than minGroup is withheld;
 * when the withheld parts of a line are fewer than minGroup together (but
 * more than none), the smallest part still shown is withheld too. A cell can
 * sit on two lines (a segment's March is a part of March's total and of the
 * segment's first quarter), so suppressTable repeats the rule over every kind
 * of line until nothing changes: hiding a cell only ever adds to the withheld
 * sum of a line, so this ends, at most after as many rounds as cells.
 *
 * This is the cell-suppression rule of statistical disclosure control
 * (Hundepool et al., "Statistical Disclosure Control", Wiley 2012, §4.2:
 * primary suppression by a threshold rule, secondary suppression so that no
 * primary cell can be recalculated from its margins), with the simplest
 * secondary choice: the smallest cell. It is not an optimal (fewest cells)
 * pattern, and it protects against differences of published figures along
 * the lines named, not against every linear combination of them.
 */
import type {Database} from "../warehouse/duckdb.js";

export interface ComplementaryOptions {
  /** The columns that name a line: the rows sharing them are the parts of one total. */
  partition: string[];
  /** A column ordering parts of equal size, so the choice is deterministic. */
  key: string;
  /** The column holding a part's size in people. */
  size: string;
  minGroup: number;
  /** A boolean SQL expression for parts already withheld; default: smaller than minGroup. */
  hidden?: string;
  /** The name of the output column (default hidden). */
  as?: string;
}

/**
 * SQL: the rows of table with a boolean `hidden` column, after one pass of the
 * rule over the lines given by partition. With the default `hidden` one pass
 * is enough for a table of one kind of line (the activity tables).
 */
export function complementarySql(table: string, {partition, key, size, minGroup, hidden = `${size} < ${minGroup}`, as = "hidden"}: ComplementaryOptions): string {
  const by = partition.join(", ");
  return `SELECT * EXCLUDE (was_hidden, hidden_size, size_rank), was_hidden OR (hidden_size > 0 AND hidden_size < ${minGroup} AND size_rank = 1) AS ${as}
FROM (
  SELECT *,
    sum(CASE WHEN was_hidden THEN ${size} ELSE 0 END) OVER (PARTITION BY ${by}) AS hidden_size,
    -- 1 for the smallest part still shown (or, when every part is withheld, the smallest part)
    row_number() OVER (PARTITION BY ${by} ORDER BY was_hidden, ${size}, ${key}) AS size_rank
  FROM (SELECT *, coalesce(${hidden}, true) AS was_hidden FROM ${table})
)`;
}

/** A kind of line of a table: which rows are parts (a SQL condition) and what names their total. */
export interface Line {
  /** Rows that are parts of this kind of line (default: every row). */
  where?: string;
  partition: string[];
  key: string;
}

/** One suppression of a table: the size it counts and the column it sets. */
export interface Pass {
  /** The column holding each cell's size (default size). */
  size?: string;
  /** The boolean column to add and set (default hidden). */
  column?: string;
  /** A SQL condition for cells withheld from the start, besides those below minGroup (say, a column an earlier pass set). */
  initially?: string;
}

/**
 * Adds a boolean column (default `hidden`) to the temporary table `table`
 * and sets it by the rule above over every kind of line until nothing
 * changes. Cells start withheld when their size is below minGroup, or when
 * `initially` holds. Returns the number of rounds.
 */
export async function suppressTable(db: Database, table: string, lines: Line[], {minGroup, size = "size", column = "hidden", initially}: Pass & {minGroup: number}): Promise<number> {
  await db.run(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS _row BIGINT`);
  await db.run(`UPDATE ${table} SET _row = rowid`);
  await db.run(`ALTER TABLE ${table} ADD COLUMN ${column} BOOLEAN`);
  await db.run(`UPDATE ${table} SET ${column} = coalesce(${size} < ${minGroup}${initially ? ` OR (${initially})` : ""}, true)`);
  for (let round = 1; ; ++round) {
    let changed = 0;
    for (const line of lines) {
      const parts = `(SELECT * RENAME (${column} AS _was) FROM ${table}${line.where ? ` WHERE ${line.where}` : ""})`;
      const newly = `SELECT _row FROM (${complementarySql(parts, {partition: line.partition, key: line.key, size, minGroup, hidden: "_was", as: "_now"})}) WHERE _now AND NOT _was`;
      const [{n}] = await db.all<{n: bigint}>(`SELECT count(*) AS n FROM (${newly})`);
      if (n > 0n) await db.run(`UPDATE ${table} SET ${column} = true WHERE _row IN (${newly})`);
      changed += Number(n);
    }
    if (changed === 0) return round;
  }
}

/** The line kinds of a table of periods × groups with an "all" total per period: the groups of a period, and the months of a quarter. */
export const periodLines = {
  /** The groups of one breakdown in one period add up to its all-customer total. */
  groups: {where: `"by" <> 'all'`, partition: ["granularity", `"by"`, "period"], key: `"group"`} satisfies Line,
  /** The months of a quarter add up to the quarter (per breakdown and group). */
  monthsOfQuarter: {where: `granularity = 'month'`, partition: [`"by"`, `"group"`, "date_trunc('quarter', period)"], key: "period"} satisfies Line
};

/**
 * Runs the SQL selects (each with granularity, by, group, period and a size
 * column) into a temporary table, applies suppressTable over lines (once per
 * pass, in order), and returns its rows with `hidden` (and each pass's
 * column), in the order of the selects. The table is dropped afterwards.
 */
export async function suppressedRows<T>(db: Database, selects: string[], lines: Line[], {minGroup, passes = [{}]}: {minGroup: number; passes?: Pass[]}): Promise<(T & {hidden: boolean})[]> {
  const table = `_suppress_${Math.random().toString(36).slice(2, 10)}`;
  await db.run(`CREATE TEMP TABLE ${table} AS ${selects.map((s, i) => `SELECT ${i} AS _select, * FROM (${s})`).join(" UNION ALL BY NAME ")}`);
  try {
    for (const pass of passes) await suppressTable(db, table, lines, {minGroup, ...pass});
    return await db.all<T & {hidden: boolean}>(`SELECT * EXCLUDE (_select, _row) FROM ${table} ORDER BY _select, _row`);
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

/**
 * SQL: for each row of `rows` (a table or subquery with an `id`, a `month`
 * (DATE), a `customer_id` and the attribute columns), the attributes it may
 * publish with a free text or a score, so that the published combination is
 * shared by at least minGroup distinct customers of `population` (the same
 * columns: say, everyone who answered the survey) in that month. Attributes
 * are dropped from the last (least coarse first): all of them, then all but
 * the last, ... down to none; a row whose month alone has fewer than minGroup
 * customers gets its quarter instead, and `publish` is false when even the
 * quarter has too few. Output: id, month (or the quarter's first day),
 * monthKnown, publish, and each attribute (null where dropped).
 */
export function coarsenedAttributesSql({rows, population, attributes, minGroup}: {rows: string; population: string; attributes: string[]; minGroup: number}): string {
  const levels = attributes.map((_, i) => attributes.slice(0, attributes.length - i)).concat([[]]);
  const counts = levels.map(
    (level, i) =>
      `(SELECT count(DISTINCT p.customer_id) FROM ${population} p WHERE date_trunc('month', p.month) = date_trunc('month', r.month)${level.map((a) => ` AND p.${a} IS NOT DISTINCT FROM r.${a}`).join("")}) AS n${i}`
  );
  const quarter = `(SELECT count(DISTINCT p.customer_id) FROM ${population} p WHERE date_trunc('quarter', p.month) = date_trunc('quarter', r.month)) AS nq`;
  const level = `CASE ${levels.map((_, i) => `WHEN n${i} >= ${minGroup} THEN ${i}`).join(" ")} ELSE NULL END`;
  return `SELECT id, CASE WHEN level IS NOT NULL THEN month ELSE date_trunc('quarter', month)::DATE END AS month, level IS NOT NULL AS "monthKnown",
  level IS NOT NULL OR nq >= ${minGroup} AS publish,
  ${attributes.map((a, j) => `CASE WHEN level IS NOT NULL AND level < ${attributes.length - j} THEN ${a} END AS ${a}`).join(",\n  ")}
FROM (SELECT *, ${level} AS level FROM (SELECT r.*, ${counts.join(", ")}, ${quarter} FROM ${rows} r))`;
}
