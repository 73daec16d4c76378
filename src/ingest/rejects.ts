/**
 * Rejects a person can act on: grouped by column and rule (the reason with its
 * line numbers taken out, so 28,000 "duplicate id (first at line N)" are one
 * rule), with the count, the first lines, up to three example values and,
 * for dates, a hint at the format; and the full list as a CSV file.
 */
import {literal, type Database} from "../warehouse/duckdb.js";

export interface RejectGroup {
  /** The column blamed (null for a line the CSV reader could not split into fields). */
  column: string | null;
  /** The reason, without line numbers. */
  reason: string;
  count: number;
  /** The first lines it occurs on (up to 5). */
  lines: number[];
  /** Up to three example values with their lines (cut to 60 characters). */
  examples: {value: string | null; line: number}[];
  /** What to do, when the examples say more than the reason (a day-first date). */
  hint?: string;
}

/** The SQL expression giving a reject's rule: its reason with line numbers replaced. */
export const ruleSql = (reason: string) => `regexp_replace(${reason}, 'line \\d+', 'an earlier line', 'g')`;

/** Groups one file's rows of `_rejects` by column and rule, most frequent first. */
export async function rejectGroups(db: Database, file: string): Promise<RejectGroup[]> {
  const rows = await db.all<{column: string | null; reason: string; count: number; lines: number[]; examples: {value: string | null; line: number}[]}>(
    `SELECT "column", rule AS reason, count(*)::INTEGER AS count, list(line::INTEGER ORDER BY line)[1:5] AS lines,
       list({'value': left(value, 60), 'line': line::INTEGER} ORDER BY line)[1:3] AS examples
     FROM (SELECT *, ${ruleSql("reason")} AS rule FROM _rejects WHERE file = ${literal(file)})
     GROUP BY "column", rule ORDER BY count DESC, "column", rule`
  );
  return rows.map((r) => {
    const group: RejectGroup = {column: r.column, reason: r.reason, count: r.count, lines: [...r.lines], examples: [...r.examples].map((e) => ({value: e.value, line: e.line}))};
    const hint = dateHint(group);
    return hint ? {...group, hint} : group;
  });
}

/** For dates that are not in the formats given: which format the examples look like. */
export function dateHint({reason, examples}: Pick<RejectGroup, "reason" | "examples">): string | undefined {
  if (!reason.startsWith("not a date")) return undefined;
  const parts = examples.map((e) => /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T](\d{1,2}:\d{2})(:\d{2})?)?$/.exec(e.value?.trim() ?? "")).filter((m) => m !== null);
  if (parts.length === 0) return undefined;
  const dayFirst = parts.some((m) => Number(m[1]) > 12);
  const monthFirst = parts.some((m) => Number(m[3]) > 12);
  if (dayFirst === monthFirst) return undefined; // both or neither: the examples do not tell
  const [m] = parts;
  const year = m[4].length === 4 ? "%Y" : "%y";
  const time = m[5] ? ` %H:%M${m[6] ? ":%S" : ""}` : "";
  const format = (dayFirst ? `%d${m[2]}%m` : `%m${m[2]}%d`) + `${m[2]}${year}${time}`;
  return `looks ${dayFirst ? "day" : "month"}-first: add "dateFormats": "${format}"`;
}

/** One line of the summary for a group: "ordered_at: 1,204 × not a date …, e.g. '13/12/2010 08:26' at line 4; looks day-first: …". */
export function formatGroup(g: RejectGroup): string {
  const examples = g.examples
    .filter((e) => e.value !== null)
    .map((e) => `'${e.value}' at line ${e.line}`)
    .join(", ");
  const where = examples ? `, e.g. ${examples}` : `, lines ${g.lines.join(", ")}`;
  return `${g.column ?? "(line)"}: ${g.count.toLocaleString("en")} × ${g.reason}${where}${g.hint ? `; ${g.hint}` : ""}`;
}

/** Writes every reject of the given files to a CSV (file, line, entity, column, value, reason); returns how many. */
export async function writeRejects(db: Database, files: readonly string[], path: string): Promise<number> {
  const where = `file IN (${files.map(literal).join(", ") || "NULL"})`;
  const [{n}] = await db.all<{n: number}>(`SELECT count(*)::INTEGER AS n FROM _rejects WHERE ${where}`);
  if (n === 0) return 0;
  await db.run(`COPY (SELECT file, line, entity, "column", value, reason FROM _rejects WHERE ${where} ORDER BY file, line) TO ${literal(path)} (HEADER, DELIMITER ',')`);
  return n;
}
