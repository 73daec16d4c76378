/**
 * groups.json: the figures of the segment, region and channel pages (reports/[kind]/[group].md), computed by the
 * metric registry the CLI runs (computeMetric: `rapport metrics nps|retention|clv --by <kind>`), so a
 * page's figure is the one `rapport metrics` prints for its group. Privacy: the pages show only what the
 * group-level published tables show. NPS cells and cohorts are withheld by complementary suppression
 * (src/privacy/suppress.ts) computed over the same tables and lines as reports/data/nps.json.ts and
 * reports/data/retention.arrow.ts (so the pattern of withheld cells is the same), and a withheld cell
 * publishes no count and no figure. CLV is published for groups with a page only, and its customer count
 * only when the group's own count is not withheld. The suppression patterns, the group pages and the
 * metrics are the ones the other published tables use, computed once (ResultContext).
 *
 * The row types here are the source of truth of reports/components/groupPage.ts.
 */
import {groupKinds, type GroupPage} from "../metrics/groupPages.js";
import type {ResultContext} from "./context.js";
import {sharedGroupPages} from "./groupPages.js";
import {cohortSizes, npsCells} from "./suppressed.js";

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

export interface GroupsFile {
  minGroupSize: number;
  window: {from: string; to: string};
  groups: GroupFigures[];
}

export async function groups(context: ResultContext): Promise<string> {
  const started = performance.now();
  const out = await groupFigures(context);
  context.log(`groups: ${out.groups.length} group pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return JSON.stringify(out);
}

/** A kind's quarterly cohorts as `rapport metrics retention --by <kind> --period quarter` gives them: the triangle and the repeat rates. */
function groupRetention(context: ResultContext, by: GroupPage["by"]) {
  return context.metric("retention", {by, period: "quarter", minCohort: context.config.minGroupSize, parts: ["triangle", "repeatRate"]}) as Promise<{
    triangle: {group: string; cohort: Date; k: number; rate: number; incomplete: boolean}[];
    repeatRate: {group: string; cohort: Date; customers: number; repeatRate: number}[];
  }>;
}

/**
 * The parts of groups.json that read each customer's periods, which computeResults has the other lane compute
 * (lanePrefetch, tables.ts): the cohorts of every kind with a page (groupRetention), and the cohort sizes
 * retention.arrow withholds.
 */
export async function groupRetentions(context: ResultContext): Promise<void> {
  await cohortSizes(context);
  const pages = await sharedGroupPages(context);
  for (const kind of groupKinds) if (pages.some((p) => p.by === kind.by)) await groupRetention(context, kind.by);
}

async function groupFigures(context: ResultContext): Promise<GroupsFile> {
  const {db, metric, config: {minGroupSize, clvMinGroupRepeaters: minGroupRepeaters}} = context;
  const pages = await sharedGroupPages(context);
  const [bounds] = await db.all<{from: Date; to: Date}>(`SELECT min(ordered_at)::DATE AS "from", max(ordered_at)::DATE AS "to" FROM orders WHERE status = 'completed'`);

  // NPS: the cells nps.json withholds (months and quarters, all customers and every breakdown).
  const npsHidden = new Set((await npsCells(context)).filter((c) => c.granularity === "quarter" && c.hidden).map((c) => `${c.by}|${c.group}|${day(c.period)}`));
  // Cohorts: the sizes retention.arrow withholds (weekly for all, monthly and quarterly for all and every breakdown).
  const cohortHidden = new Set((await cohortSizes(context)).filter((c) => c.granularity === "quarter" && c.hidden).map((c) => `${c.by}|${c.group}|${day(c.period)}`));

  const groups: GroupFigures[] = [];
  for (const kind of groupKinds) {
    const mine = pages.filter((p) => p.by === kind.by);
    if (!mine.length) continue;
    const nps = (await metric("nps", {by: kind.by, period: "quarter"})) as {group: string; period: Date; incomplete: boolean; responses: number; nps: number; low: number; high: number; promoterShare: number; detractorShare: number}[];
    const retention = await groupRetention(context, kind.by);
    const clv = (await metric("clv", {by: kind.by, minGroupRepeaters, parts: ["predicted"]})) as {
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
