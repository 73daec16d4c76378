/**
 * The suppression patterns two published tables share, computed once per refresh (and for both of its lanes: ResultContext.shared): the NPS cells nps.json
 * withholds (which the group pages withhold too), and the cohort sizes retention.arrow withholds (the
 * group pages' cohorts likewise). Both run over every granularity and breakdown the tables publish, so the
 * pattern is the same wherever a cell appears.
 */
import {npsCountsSql, type NpsCountRow} from "../metrics/nps.js";
import type {Breakdown, Period} from "../metrics/periods.js";
import {customerActivity, repeatRateSql} from "../metrics/retention.js";
import {periodLines, suppressedRows} from "../privacy/suppress.js";
import type {ResultContext} from "./context.js";

/** The breakdowns of the published NPS and retention tables (their suppression runs over all of them). */
export const publishedBreakdowns = [undefined, "segment", "region", "channel"] as const;

/** The NPS tables: months and quarters, all customers and every breakdown. */
export const npsTables = (["month", "quarter"] as const).flatMap((granularity) => publishedBreakdowns.map((by) => ({granularity, by: by ?? "all", sql: npsCountsSql({period: granularity, by})})));

/** The NPS counts of npsTables, each with `hidden` (complementary suppression over the groups of a period and the months of a quarter). */
export function npsCells({db, config: {minGroupSize}, shared}: ResultContext) {
  return shared(`nps cells ${minGroupSize}`, () =>
    suppressedRows<NpsCountRow & {granularity: string; by: string}>(
      db,
      npsTables.map((t) => `SELECT '${t.granularity}' AS granularity, '${t.by}' AS "by", *, (promoters + passives + detractors)::INTEGER AS size FROM (${t.sql})`),
      [periodLines.groups, periodLines.monthsOfQuarter],
      {minGroup: minGroupSize}
    )
  );
}

/** The cohort tables: weekly cohorts for all customers, monthly and quarterly ones for all and every breakdown. */
export const cohortTables: [Period, Breakdown | undefined][] = [["week", undefined], ...(["month", "quarter"] as const).flatMap((p) => publishedBreakdowns.map((by) => [p, by] as [Period, Breakdown | undefined]))];

/** The cohorts of cohortTables with their size, each with `hidden` (suppressed across groups and quarters). */
export function cohortSizes({db, config: {minGroupSize}, once, shared}: ResultContext) {
  return shared(`cohort sizes ${minGroupSize}`, async () => {
    const sources = await customerActivity(db, [], once);
    return suppressedRows<{granularity: string; by: string; group: string; period: Date}>(
      db,
      cohortTables.map(([period, by]) => `SELECT '${period}' AS granularity, '${by ?? "all"}' AS "by", "group", cohort AS period, customers AS size FROM (${repeatRateSql({period, by}, sources)})`),
      [periodLines.groups, periodLines.monthsOfQuarter],
      {minGroup: minGroupSize}
    );
  });
}
