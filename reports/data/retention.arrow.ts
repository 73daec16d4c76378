// The cohort retention triangle as `rapport metrics retention --by <breakdown> --period <period>` computes it
// (src/metrics/retention.ts), as an Arrow IPC stream: weekly cohorts for all customers, monthly and
// quarterly cohorts also per segment, region and acquisition channel (weekly ones per group would make the
// page large at scale and too thin to read). Cohorts smaller than minGroupSize (rapport.config.json, default
// 10) keep their size but have their figures withheld, so no figure describes a handful of people.
import {loadConfig} from "../../src/config.js";
import {toArrowStream} from "../../src/format/arrow.js";
import {cohortSql, repeatRateSql} from "../../src/metrics/retention.js";
import type {Breakdown, Period} from "../../src/metrics/periods.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
// Rates to 4 decimals (0.01 percentage points; pages show 0.1): full doubles would double the compressed
// file. Churn keeps 6, since the page turns it back into customers lost (churn × the period before's buyers).
const digits: Record<string, number> = {rate: 4, unboundedRate: 4, revenueRate: 4, churn: 6};
const withheld = (column: string) => `CASE WHEN t.small THEN NULL ELSE ${column in digits ? `round(t."${column}", ${digits[column]})` : `t."${column}"`} END AS "${column}"`;
const tables: [Period, Breakdown | undefined][] = [
  ["week", undefined],
  ...(["month", "quarter"] as const).flatMap((p) => [undefined, "segment", "region", "channel"].map((by) => [p, by as Breakdown | undefined] as [Period, Breakdown | undefined]))
];
const rows = await readWarehouse(async (db) => {
  const all: Record<string, unknown>[] = [];
  for (const [period, by] of tables) {
    all.push(
      ...(await db.all<Record<string, unknown>>(
        `SELECT '${period}' AS granularity, '${by ?? "all"}' AS "by", t."group", t.cohort, t.k, t.customers,
           ${["retained", "rate", "unboundedRate", "revenueRate", "churn"].map(withheld).join(", ")},
           CASE WHEN r.small THEN NULL ELSE round(r."repeatRate", 4) END AS "repeatRate", t.incomplete, t.small
         FROM (${cohortSql({period, by, minCohort: minGroupSize})}) t
         LEFT JOIN (${repeatRateSql({period, by, minCohort: minGroupSize})}) r ON r.cohort = t.cohort AND r."group" = t."group" AND t.k = 0`
      ))
    );
  }
  return all;
});
console.error(`retention: ${rows.length} rows`);
process.stdout.write(toArrowStream(rows));
