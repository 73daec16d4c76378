/**
 * The figures of the segment, region and channel pages (reports/[kind]/[group].md), computed by the
 * metric registry the CLI runs (computeMetric: `rapport metrics nps|retention|clv --by <kind>`), so a
 * page's figure is the one `rapport metrics` prints for its group. Privacy: the pages show only what the
 * group-level published tables show. NPS cells and cohorts are withheld by complementary suppression
 * (src/privacy/suppress.ts) computed over the same tables and lines as reports/data/nps.json.ts and
 * reports/data/retention.arrow.ts (so the pattern of withheld cells is the same), and a withheld cell
 * publishes no count and no figure. CLV is published for groups with a page only, and its customer count
 * only when the group's own count is not withheld.
 */
import {npsCountsSql} from "../metrics/nps.js";
import type {Breakdown, Period} from "../metrics/periods.js";
import {repeatRateSql} from "../metrics/retention.js";
import {groupKinds, groupPages, type GroupPage} from "../metrics/groupPages.js";
import {periodLines, suppressedRows} from "../privacy/suppress.js";
import type {Database} from "../warehouse/duckdb.js";
import {computeMetric} from "../metrics/registry.js";

/** The breakdowns of the published NPS and retention tables (their suppression runs over all of them). */
const publishedBreakdowns = [undefined, "segment", "region", "channel"] as const;

export interface GroupQuarterNps {
  period: string;
  incomplete: boolean;
  withheld: boolean;
  responses?: number;
  nps?: number;
  /** The 95% score interval of nps (npsScoreInterval), in points. */
  low?: number;
  high?: number;
  promoterShare?: number;
  detractorShare?: number;
}

export interface GroupCohort {
  cohort: string;
  withheld: boolean;
  customers?: number;
  /** Share of the cohort who ordered on two or more different days, up to the data's end. */
  repeatRate?: number;
  /** Share of the cohort who ordered in the quarter after their first (null while that quarter is not over). */
  nextQuarter?: number | null;
}

export interface GroupFigures extends GroupPage {
  nps: GroupQuarterNps[];
  cohorts: GroupCohort[];
  clv: {customers: number | null; meanClv12: number | null; months: number; monthlyDiscount: number; fit: string | null; holdout: {actual: number; predicted: number; error: number} | null} | null;
}

const day = (d: Date | string) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

export async function groupFigures(db: Database, {minGroupSize, minGroupRepeaters}: {minGroupSize: number; minGroupRepeaters?: number}): Promise<{minGroupSize: number; window: {from: string; to: string}; groups: GroupFigures[]}> {
  const pages = await groupPages(db, minGroupSize);
  const [bounds] = await db.all<{from: Date; to: Date}>(`SELECT min(ordered_at)::DATE AS "from", max(ordered_at)::DATE AS "to" FROM orders WHERE status = 'completed'`);

  // NPS: the cells nps.json.ts withholds (months and quarters, all customers and every breakdown).
  const npsTables = (["month", "quarter"] as const).flatMap((granularity) => publishedBreakdowns.map((by) => ({granularity, by: by ?? "all", sql: npsCountsSql({period: granularity, by})})));
  const npsCells = await suppressedRows<{granularity: string; by: string; group: string; period: Date}>(
    db,
    npsTables.map((t) => `SELECT '${t.granularity}' AS granularity, '${t.by}' AS "by", *, (promoters + passives + detractors)::INTEGER AS size FROM (${t.sql})`),
    [periodLines.groups, periodLines.monthsOfQuarter],
    {minGroup: minGroupSize}
  );
  const npsHidden = new Set(npsCells.filter((c) => c.granularity === "quarter" && c.hidden).map((c) => `${c.by}|${c.group}|${day(c.period)}`));

  // Cohorts: the sizes retention.arrow.ts withholds (weekly for all, monthly and quarterly for all and every breakdown).
  const cohortTables: [Period, Breakdown | undefined][] = [["week", undefined], ...(["month", "quarter"] as const).flatMap((p) => publishedBreakdowns.map((by) => [p, by] as [Period, Breakdown | undefined]))];
  const sizes = await suppressedRows<{granularity: string; by: string; group: string; period: Date}>(
    db,
    cohortTables.map(([period, by]) => `SELECT '${period}' AS granularity, '${by ?? "all"}' AS "by", "group", cohort AS period, customers AS size FROM (${repeatRateSql({period, by})})`),
    [periodLines.groups, periodLines.monthsOfQuarter],
    {minGroup: minGroupSize}
  );
  const cohortHidden = new Set(sizes.filter((c) => c.granularity === "quarter" && c.hidden).map((c) => `${c.by}|${c.group}|${day(c.period)}`));

  const groups: GroupFigures[] = [];
  for (const kind of groupKinds) {
    const mine = pages.filter((p) => p.by === kind.by);
    if (!mine.length) continue;
    const nps = (await computeMetric(db, "nps", {by: kind.by, period: "quarter"})) as {group: string; period: Date; incomplete: boolean; responses: number; nps: number; low: number; high: number; promoterShare: number; detractorShare: number}[];
    const retention = (await computeMetric(db, "retention", {by: kind.by, period: "quarter", minCohort: minGroupSize})) as {
      triangle: {group: string; cohort: Date; k: number; rate: number; incomplete: boolean}[];
      repeatRate: {group: string; cohort: Date; customers: number; repeatRate: number}[];
    };
    const clv = (await computeMetric(db, "clv", {by: kind.by, minGroupRepeaters})) as {
      predicted: {group: string; customers: number; meanClv12: number; months: number; monthlyDiscount: number; fit?: string; holdout?: {actual: number; predicted: number; error: number} | null}[];
    };
    const next = new Map(retention.triangle.filter((t) => t.k === 1).map((t) => [`${t.group}|${day(t.cohort)}`, t.incomplete ? null : t.rate]));
    for (const page of mine) {
      const key = (period: Date) => `${kind.by}|${page.group}|${day(period)}`;
      const predicted = clv.predicted.find((p) => p.group === page.group);
      groups.push({
        ...page,
        nps: nps
          .filter((r) => r.group === page.group)
          .map((r) =>
            npsHidden.has(key(r.period))
              ? {period: day(r.period), incomplete: r.incomplete, withheld: true}
              : {period: day(r.period), incomplete: r.incomplete, withheld: false, responses: r.responses, nps: r.nps, low: r.low, high: r.high, promoterShare: r.promoterShare, detractorShare: r.detractorShare}
          ),
        cohorts: retention.repeatRate
          .filter((r) => r.group === page.group)
          .map((r) =>
            cohortHidden.has(key(r.cohort))
              ? {cohort: day(r.cohort), withheld: true}
              : {cohort: day(r.cohort), withheld: false, customers: r.customers, repeatRate: r.repeatRate, nextQuarter: next.get(`${page.group}|${day(r.cohort)}`) ?? null}
          ),
        clv: predicted
          ? {
              customers: page.customers === null || predicted.customers < minGroupSize ? null : predicted.customers,
              meanClv12: predicted.customers < minGroupSize || !Number.isFinite(predicted.meanClv12) ? null : predicted.meanClv12,
              months: predicted.months,
              monthlyDiscount: predicted.monthlyDiscount,
              fit: predicted.fit ?? null,
              holdout: predicted.holdout ?? null
            }
          : null
      });
    }
  }
  return {minGroupSize, window: {from: day(bounds.from), to: day(bounds.to)}, groups};
}
