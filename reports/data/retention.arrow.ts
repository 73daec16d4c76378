// The cohort retention triangle as `rapport metrics retention --by <breakdown> --period <period>` computes it
// (src/metrics/retention.ts), as an Arrow IPC stream: weekly cohorts for all customers, monthly and
// quarterly cohorts also per segment, region and acquisition channel (weekly ones per group would make the
// page large at scale and too thin to read). Cohorts are withheld by complementary suppression
// (src/privacy/suppress.ts): a cohort smaller than minGroupSize (rapport.config.json, default 10), and
// whatever else would let a total minus the parts shown (the groups of a cohort period, the monthly cohorts
// of a quarter) give it away. A withheld cohort publishes no size and no figure (`small` is true).
import {loadConfig} from "../../src/config.js";
import {toArrowStream} from "../../src/format/arrow.js";
import {cohortSql, repeatRateSql} from "../../src/metrics/retention.js";
import type {Breakdown, Period} from "../../src/metrics/periods.js";
import {projectRoot} from "../../src/paths.js";
import {periodLines, suppressedRows} from "../../src/privacy/suppress.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
// Rates to 4 decimals (0.01 percentage points; pages show 0.1): full doubles would double the compressed
// file. Churn keeps 6, since the page turns it back into customers lost (churn × the period before's buyers).
const digits: Record<string, number> = {rate: 4, windowRate: 4, revenueRate: 4, churn: 6};
const withheld = (column: string) => `CASE WHEN h.hidden THEN NULL ELSE ${column in digits ? `round(t."${column}", ${digits[column]})` : `t."${column}"`} END AS "${column}"`;
const tables: [Period, Breakdown | undefined][] = [
  ["week", undefined],
  ...(["month", "quarter"] as const).flatMap((p) => [undefined, "segment", "region", "channel"].map((by) => [p, by as Breakdown | undefined] as [Period, Breakdown | undefined]))
];
const rows = await readWarehouse(async (db) => {
  // Cohort sizes (the repeat-rate rows count each cohort's customers once), suppressed across groups and quarters.
  const sizes = await suppressedRows<{granularity: string; by: string; group: string; period: Date}>(
    db,
    tables.map(([period, by]) => `SELECT '${period}' AS granularity, '${by ?? "all"}' AS "by", "group", cohort AS period, customers AS size FROM (${repeatRateSql({period, by})})`),
    [periodLines.groups, periodLines.monthsOfQuarter],
    {minGroup: minGroupSize}
  );
  const hidden = sizes.map((s) => `('${s.granularity}', '${s.by}', '${s.group.replaceAll("'", "''")}', DATE '${s.period.toISOString().slice(0, 10)}', ${s.hidden})`);
  await db.run(`CREATE TEMP TABLE _cohort_hidden (granularity VARCHAR, "by" VARCHAR, "group" VARCHAR, cohort DATE, hidden BOOLEAN)`);
  if (hidden.length) await db.run(`INSERT INTO _cohort_hidden VALUES ${hidden.join(", ")}`);
  const all: Record<string, unknown>[] = [];
  for (const [period, by] of tables) {
    all.push(
      ...(await db.all<Record<string, unknown>>(
        `SELECT '${period}' AS granularity, '${by ?? "all"}' AS "by", t."group", t.cohort, t.k, CASE WHEN h.hidden THEN NULL ELSE t.customers END AS customers,
           ${["retained", "rate", "windowRate", "revenueRate", "churn"].map(withheld).join(", ")},
           CASE WHEN h.hidden THEN NULL ELSE round(r."repeatRate", 4) END AS "repeatRate", t.incomplete, h.hidden AS small
         FROM (${cohortSql({period, by, minCohort: minGroupSize})}) t
         JOIN _cohort_hidden h ON h.granularity = '${period}' AND h."by" = '${by ?? "all"}' AND h."group" = t."group" AND h.cohort = t.cohort
         LEFT JOIN (${repeatRateSql({period, by, minCohort: minGroupSize})}) r ON r.cohort = t.cohort AND r."group" = t."group" AND t.k = 0
         ORDER BY t."group", t.cohort, t.k`
      ))
    );
  }
  return all;
});
console.error(`retention: ${rows.length} rows, ${rows.filter((r) => r.small).length} withheld`);
process.stdout.write(toArrowStream(rows));
