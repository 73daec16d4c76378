/**
 * retention.arrow: the cohort retention triangle as `rapport metrics retention --by <breakdown> --period
 * <period>` computes it (src/metrics/retention.ts), as an Arrow IPC stream: weekly cohorts for all
 * customers, monthly and quarterly cohorts also per segment, region and acquisition channel (weekly ones
 * per group would make the page large at scale and too thin to read). Cohorts are withheld by complementary
 * suppression (src/privacy/suppress.ts): a cohort smaller than minGroupSize, and whatever else would let a
 * total minus the parts shown (the groups of a cohort period, the monthly cohorts of a quarter) give it
 * away. A withheld cohort publishes no size and no figure (`small` is true).
 */
import {toArrowStream} from "../format/arrow.js";
import {cohortTable, customerActivity, repeatRateSql} from "../metrics/retention.js";
import {periods} from "../metrics/periods.js";
import type {ResultContext} from "./context.js";
import {cohortSizes, cohortTables} from "./suppressed.js";

// Rates to 4 decimals (0.01 percentage points; pages show 0.1): full doubles would double the compressed
// file. Churn keeps 6, since the page turns it back into customers lost (churn × the period before's buyers).
const digits: Record<string, number> = {rate: 4, windowRate: 4, revenueRate: 4, churn: 6};
const withheld = (column: string) => `CASE WHEN h.hidden THEN NULL ELSE ${column in digits ? `round(t."${column}", ${digits[column]})` : `t."${column}"`} END AS "${column}"`;

export async function retention(context: ResultContext): Promise<Uint8Array> {
  const {db, log, config: {minGroupSize}} = context;
  // Cohort sizes (the repeat-rate rows count each cohort's customers once), suppressed across groups and quarters.
  const sizes = await cohortSizes(context);
  const sources = await customerActivity(db, periods, context.once);
  const hidden = sizes.map((s) => `('${s.granularity}', '${s.by}', '${s.group.replaceAll("'", "''")}', DATE '${s.period.toISOString().slice(0, 10)}', ${s.hidden})`);
  await db.run(`CREATE OR REPLACE TEMP TABLE _cohort_hidden (granularity VARCHAR, "by" VARCHAR, "group" VARCHAR, cohort DATE, hidden BOOLEAN)`);
  const rows: Record<string, unknown>[] = [];
  try {
    if (hidden.length) await db.run(`INSERT INTO _cohort_hidden VALUES ${hidden.join(", ")}`);
    for (const [period, by] of cohortTables) {
      rows.push(
        ...(await db.all<Record<string, unknown>>(
          `SELECT '${period}' AS granularity, '${by ?? "all"}' AS "by", t."group", t.cohort, t.k, CASE WHEN h.hidden THEN NULL ELSE t.customers END AS customers,
             ${["retained", "rate", "windowRate", "revenueRate", "churn"].map(withheld).join(", ")},
             CASE WHEN h.hidden THEN NULL ELSE round(r."repeatRate", 4) END AS "repeatRate", t.incomplete, h.hidden AS small
           FROM ${await cohortTable(db, {period, by, minCohort: minGroupSize}, sources, context.once)} t
           JOIN _cohort_hidden h ON h.granularity = '${period}' AND h."by" = '${by ?? "all"}' AND h."group" = t."group" AND h.cohort = t.cohort
           LEFT JOIN (${repeatRateSql({period, by, minCohort: minGroupSize}, sources)}) r ON r.cohort = t.cohort AND r."group" = t."group" AND t.k = 0
           ORDER BY t."group", t.cohort, t.k`
        ))
      );
    }
  } finally {
    await db.run("DROP TABLE IF EXISTS _cohort_hidden");
  }
  log(`retention: ${rows.length} rows, ${rows.filter((r) => r.small).length} withheld`);
  return toArrowStream(rows);
}
