/**
 * `rapport metrics retention|clv|nps|service|scorecard` and `rapport clv fit`:
 * every number the site shows, computed from the warehouse and printed as
 * rows, so scripts and tests can read them.
 */
import {discountedPurchases} from "../models/clv.js";
import {totalExpectedSpend} from "../models/gammagamma.js";
import {compareModels, defaultCalibrationEnd, defaultMinGroupRepeaters, fitByGroup, fitClv, type ModelComparison} from "../metrics/clv.js";
import {cumulativeRevenueSql} from "../metrics/historical.js";
import {npsCountsSql, npsFromCounts, npsTrend, type NpsCountRow} from "../metrics/nps.js";
import {parseBreakdown, parsePeriod, periodSql, type Breakdown} from "../metrics/periods.js";
import {churnSql, cohortSql, mrrRetentionSql, repeatRateSql} from "../metrics/retention.js";
import {distinguishingWords, sentimentTrend} from "../metrics/sentiment.js";
import {customerScrubber} from "../privacy/scrub.js";
import {rfmCustomersSql, valueGroupsSql} from "../metrics/rfm.js";
import {scorecard, scorecardSeriesSql} from "../metrics/scorecard.js";
import {npsAfterServiceSql, serviceSql, type ServiceBreakdown} from "../metrics/service.js";
import type {TimeUnit} from "../models/clv.js";
import type {Database} from "../warehouse/duckdb.js";

export const metricNames = ["retention", "clv", "nps", "service", "scorecard", "emotion"] as const;
export type MetricName = (typeof metricNames)[number];

export interface MetricOptions {
  period?: string;
  by?: string;
  minCohort?: number;
  minResponses?: number;
  /** clv: a group with fewer repeat customers is valued with the pooled fit (default defaultMinGroupRepeaters; rapport.config.json clvMinGroupRepeaters). */
  minGroupRepeaters?: number;
}

export async function computeMetric(db: Database, name: string, options: MetricOptions): Promise<unknown> {
  const period = parsePeriod(options.period ?? "month");
  switch (name) {
    case "retention": {
      const by = parseBreakdown(options.by);
      const subscriptions = Number((await db.all<{n: bigint}>("SELECT count(*) AS n FROM subscriptions"))[0].n);
      return {
        triangle: await db.all(cohortSql({period, by, minCohort: options.minCohort})),
        repeatRate: await db.all(repeatRateSql({period, by, minCohort: options.minCohort})),
        churn: await db.all(churnSql({period, by})),
        recurringRevenue: subscriptions > 0 ? await db.all(mrrRetentionSql({period, by})) : null
      };
    }
    case "nps": {
      const by = parseBreakdown(options.by);
      return npsTrend(await db.all<NpsCountRow>(npsCountsSql({period, by})), {minResponses: options.minResponses});
    }
    case "service": {
      const by = options.by === "ticket_channel" ? ("ticket_channel" as ServiceBreakdown) : parseBreakdown(options.by);
      const after = await db.all<{group: string; promoters: number; passives: number; detractors: number}>(npsAfterServiceSql());
      return {
        times: await db.all(serviceSql({period, by})),
        npsAfterService: after.map((r) => ({group: r.group, ...npsFromCounts(r, {minResponses: options.minResponses})}))
      };
    }
    case "scorecard":
      if (options.by !== undefined) throw new MetricError(`the scorecard is for all customers; it has no --by (got --by ${options.by})`);
      return scorecard(await db.all(scorecardSeriesSql(period)));
    case "clv":
      return clvMetrics(db, parseBreakdown(options.by), {minGroupRepeaters: options.minGroupRepeaters});
    case "emotion": {
      // Each distinct text is scrubbed and scored once, with the number of times it was written that period.
      const texts = await db.all<{period: Date; score: number; text: string | null; kind: string; n: number}>(
        `SELECT period, score, text, kind, count(*)::INTEGER AS n FROM (
           SELECT ${periodSql(period, "responded_at")} AS period, score, comment AS text, 'nps' AS kind FROM nps_responses WHERE comment IS NOT NULL
           UNION ALL SELECT ${periodSql(period, "opened_at")}, NULL, text, 'ticket' FROM tickets WHERE text IS NOT NULL
         ) GROUP BY ALL ORDER BY kind, period, score, text`
      );
      // Words are counted on scrubbed text, so no e-mail, phone or customer name can surface as a word.
      const scrub = await customerScrubber(db);
      const scrubbed = new Map<string, string | null>();
      for (const t of texts) {
        if (t.text !== null && !scrubbed.has(t.text)) scrubbed.set(t.text, scrub(t.text));
        t.text = t.text === null ? null : scrubbed.get(t.text)!;
      }
      const nps = texts.filter((t) => t.kind === "nps");
      const counted = (rows: typeof texts) => rows.map((t) => ({text: t.text!, n: t.n}));
      return {
        npsComments: sentimentTrend(nps),
        ticketTexts: sentimentTrend(texts.filter((t) => t.kind === "ticket")),
        words: distinguishingWords(counted(nps.filter((t) => t.score <= 6)), counted(nps.filter((t) => t.score >= 9)))
      };
    }
    default:
      throw new MetricError(`unknown metric "${name}" (expected ${metricNames.join(", ")})`);
  }
}

/**
 * Historical cumulative revenue by cohort, and the 12-month predicted CLV per group. The purchase model
 * (BG/NBD, MBG/NBD or Pareto/NBD) is chosen on a holdout (the last quarter of the data; see
 * src/metrics/clv.ts), then fit on all data. With --by, a group with enough repeat customers
 * (minGroupRepeaters) is valued with its own fit, a smaller one with the pooled fit; every group's
 * predictions are checked on the holdout. Customers are grouped by (group, x, t_x, T) with their spend
 * summed, and expected purchases are computed once per distinct (x, t_x, T) and fit.
 */
async function clvMetrics(db: Database, by: Breakdown | undefined, {unit = "week" as TimeUnit, minGroupRepeaters = defaultMinGroupRepeaters} = {}) {
  const {calibrationEnd} = await defaultCalibrationEnd(db);
  const calibration = "_clv_calibration";
  const table = "_clv_customers";
  let comparison, fit, groupFits, groups;
  try {
    // The per-group checks need every customer's calibration summary; without groups, the comparison samples the orders itself.
    if (by) await db.run(`CREATE OR REPLACE TEMP TABLE ${calibration} AS ${rfmCustomersSql({calibrationEnd}, by)}`);
    comparison = await compareModels(db, {unit, calibrationEnd, table: by ? calibration : undefined});
    const model = comparison.chosen;
    // One pass over the orders for the fit and the groups.
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${rfmCustomersSql({}, by)}`);
    fit = await fitClv(db, {unit, table, model});
    if (by) {
      const calibrated = await fitClv(db, {unit, table: calibration, model, calibrationEnd, binDays: fit.binDays});
      const checks = new Map((await fitByGroup(db, {unit, calibrationEnd, table: calibration, model, minRepeaters: minGroupRepeaters}, calibrated)).map((g) => [g.group, g.holdout]));
      groupFits = (await fitByGroup(db, {unit, table, model, minRepeaters: minGroupRepeaters}, fit)).map((g) => ({...g, holdout: checks.get(g.group) ?? null}));
    }
    // Predict on the histories the model was fitted on: binned by week when the fit binned them (a large
    // customer base), which cuts a million customers' 700,000 distinct histories to about 200,000.
    groups = await db.all<{group: string; x: number; t_x: number; T: number; n: number; zbarSum: number}>(valueGroupsSql({unit, by, binDays: fit.binDays}, table));
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${table}`);
    await db.run(`DROP TABLE IF EXISTS ${calibration}`);
  }
  const fitOf = new Map((groupFits ?? []).map((g) => [g.group, g]));
  const predicted = new Map<string, {group: string; customers: number; total: number}>();
  const purchases = new Map<string, number>();
  const options = {unit, months: 12, discount: 0.01};
  for (const g of groups) {
    const own = fitOf.get(g.group);
    const [purchaseFit, spendFit, tag] = own ? [own.purchases, own.gammaGamma, own.fit === "own" ? g.group : ""] : [fit.purchases, fit.gammaGamma, ""];
    let value = NaN;
    if (spendFit) {
      const key = `${tag}\t${g.x} ${g.t_x} ${g.T}`;
      let part = purchases.get(key);
      if (part === undefined) purchases.set(key, (part = discountedPurchases(purchaseFit, g, options)));
      value = part * totalExpectedSpend(spendFit, g.x, g.n, g.zbarSum);
    }
    const cell = predicted.get(g.group) ?? {group: g.group, customers: 0, total: 0};
    cell.customers += g.n;
    cell.total += value;
    predicted.set(g.group, cell);
  }
  return {
    historical: await db.all(cumulativeRevenueSql({by})),
    model: {model: fit.model, purchases: fit.purchases, gammaGamma: fit.gammaGamma, unit, comparison: comparisonSummary(comparison)},
    predicted: [...predicted.values()].map((p) => {
      const g = fitOf.get(p.group);
      return {
        group: p.group,
        customers: p.customers,
        meanClv12: p.total / p.customers,
        months: 12,
        monthlyDiscount: 0.01,
        ...(g
          ? {
              fit: g.fit,
              repeaters: g.repeaters,
              // The group's own fit (absent when it is valued with the pooled one), and its check on the holdout.
              ...(g.fit === "own" ? {purchases: g.purchases, gammaGamma: g.gammaGamma} : {}),
              holdout: g.holdout && {actual: g.holdout.actual, predicted: g.holdout.predicted, error: g.holdout.error}
            }
          : {})
      };
    })
  };
}

function comparisonSummary(c: ModelComparison) {
  return {
    calibrationEnd: c.calibrationEnd,
    sampleEvery: c.sampleEvery,
    chosen: c.chosen,
    models: c.models.map((m) => ({model: m.model, status: m.purchases.status, logLikelihood: m.purchases.logLikelihood, actual: m.holdout.actual, predicted: m.holdout.predicted, error: m.holdout.error}))
  };
}

export class MetricError extends Error {
  override name = "MetricError";
}

/** JSON with dates as ISO strings and non-finite numbers as null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" ? Number(v) : v), 2);
}
