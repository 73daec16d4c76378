/**
 * The metric registry: every number the site and `rapport metrics` show, computed from the warehouse by
 * name (retention, clv, nps, service, scorecard, emotion, satisfaction) and returned as rows. The CLI
 * (src/cli/metrics.ts) and the published results (src/results/) both call computeMetric, so a page's
 * figure is the one the CLI prints.
 */
import type {RfmGroup} from "../models/bgnbd.js";
import {discountedPurchasesOf} from "../models/clv.js";
import {totalExpectedSpend} from "../models/gammagamma.js";
import {clvCustomers, compareModels, defaultCalibrationEnd, defaultMinGroupRepeaters, fitByGroup, fitClv, type ClvFitResult, type ModelComparison} from "./clv.js";
import {cumulativeRevenueSql} from "./historical.js";
import {npsCountsSql, npsFromCounts, npsTrend, type NpsCountRow} from "./nps.js";
import {parseBreakdown, parsePeriod, periodSql, type Breakdown} from "./periods.js";
import {churnSql, cohortTable, customerActivity, mrrRetentionSql, repeatRateSql} from "./retention.js";
import {dominantLanguage} from "./language.js";
import {ratingCountsSql, satisfaction, type RatingCountRow} from "./satisfaction.js";
import {distinguishingWords, emotionScorer, emotionTrend, languageCounts, spearman, type CountedText} from "./sentiment.js";
import {customerScrubber} from "../privacy/scrub.js";
import {rfmCustomersSql, valueGroupsSql} from "./rfm.js";
import {scorecard, scorecardCountsSql, scorecardDays, scorecardCoverageSql, scorecardDurationsSql, type ScorecardCountRow, type ScorecardCoverage, type ScorecardDurationRow, withheldWithin} from "./scorecard.js";
import {npsAfterServiceSql, serviceSql, type ServiceBreakdown} from "./service.js";
import type {TimeUnit} from "../models/clv.js";
import type {Database} from "../warehouse/duckdb.js";
import {UsageError} from "../errors.js";

export const metricNames = ["retention", "clv", "nps", "service", "scorecard", "emotion", "satisfaction"] as const;
export type MetricName = (typeof metricNames)[number];

export interface MetricOptions {
  period?: string;
  by?: string;
  minCohort?: number;
  minResponses?: number;
  /** clv: a group with fewer repeat customers is valued with the pooled fit (default defaultMinGroupRepeaters; rapport.config.json clvMinGroupRepeaters). */
  minGroupRepeaters?: number;
  /**
   * retention and clv: only these parts of the result (default all; the others are left out): retention's triangle,
   * repeatRate, churn and recurringRevenue; clv's historical and model (its predicted, the rest of the work, always). Not a CLI flag: the
   * group pages (src/results/groups.ts) need retention's triangle and repeat rates and clv's predictions only, and
   * each part left out is a query at a million customers (clv's historical curves about 1 s per breakdown).
   */
  parts?: readonly string[];
}

/**
 * A memo: f(), computed once per key. computeMetric takes one so that the calls of one refresh share what
 * does not depend on their options (the CLV comparison and pooled fits are the same for every breakdown);
 * alone, a call computes everything itself.
 */
export type Memo = <T>(key: string, f: () => Promise<T>) => Promise<T>;
const noMemo: Memo = (_key, f) => f();

/**
 * The comparison of the purchase models on the holdout, once per memo: the one sample of customers (drawn from the
 * orders) that clv.json, `metrics clv` and `metrics clv --by` all choose their model by. `--by` had compared the models
 * on its calibration summaries, every customer with an order before the calibration end rather than clv.json's
 * sample, and on a 1M warehouse a day of new orders later it chose MBG/NBD where clv.json chose BG/NBD.
 */
export function clvComparison(db: Database, {unit, calibrationEnd}: {unit: TimeUnit; calibrationEnd: string}, memo: Memo = noMemo): Promise<ModelComparison> {
  return memo(`clv comparison ${unit} ${calibrationEnd}`, () => compareModels(db, {unit, calibrationEnd}));
}

/**
 * The CLV purchase model and Gamma-Gamma fit on all data, pooled over every customer, once per memo: the
 * same whichever table of rfmCustomersSql rows (with or without a breakdown column) it is read from.
 */
export function pooledClvFit(db: Database, {unit, model, table}: {unit: TimeUnit; model: ModelComparison["chosen"]; table?: string}, memo: Memo = noMemo): Promise<ClvFitResult> {
  return memo(`clv pooled fit ${unit} ${model}`, () => fitClv(db, {unit, table, model}));
}

/**
 * The pooled fit up to the calibration end (on every customer, not the comparison's sample), once per memo: what
 * the holdout check of a group valued with the pooled fit uses, in `metrics clv --by` and clv.json alike. The
 * same whichever table of calibration summaries (with or without a breakdown column) it is read from.
 */
export function calibratedClvFit(db: Database, {unit, model, table, calibrationEnd, binDays}: {unit: TimeUnit; model: ModelComparison["chosen"]; table: string; calibrationEnd: string; binDays: number}, memo: Memo = noMemo): Promise<ClvFitResult> {
  return memo(`clv calibrated fit ${unit} ${model} ${calibrationEnd} ${binDays}`, () => fitClv(db, {unit, table, model, calibrationEnd, binDays}));
}

/**
 * Each group of a breakdown checked on the holdout: its fit up to the calibration end (its own, or calibrated, the
 * pooled one of calibratedClvFit), by group, once per memo: clv.json and the group pages' `metrics clv --by` show
 * the same checks.
 */
export async function groupChecksOnHoldout(db: Database, {by, ...options}: {unit: TimeUnit; table: string; model: ModelComparison["chosen"]; minRepeaters: number; calibrationEnd: string; by: Breakdown}, calibrated: ClvFitResult, memo: Memo) {
  const fits = await memo(`clv group checks ${options.unit} ${by} ${options.model} ${options.minRepeaters} ${options.calibrationEnd} ${calibrated.binDays}`, () => fitByGroup(db, options, calibrated, {memo, by}));
  return new Map(fits.map((g) => [g.group, g.holdout]));
}

/**
 * Each group of a breakdown's fit on all data (fitByGroup with the pooled fit pooledClvFit memoizes), once per memo:
 * clv.json and the group pages' `metrics clv --by` ask for the same ones (their checks on the holdout differ).
 */
export function groupFitsOnAllData(db: Database, {by, ...options}: {unit: TimeUnit; table: string; model: ModelComparison["chosen"]; minRepeaters: number; by: Breakdown}, pooled: ClvFitResult, memo: Memo) {
  return memo(`clv group fits on all data ${options.unit} ${by} ${options.model} ${options.minRepeaters} ${pooled.binDays}`, () => fitByGroup(db, options, pooled, {memo, by}));
}

export async function computeMetric(db: Database, name: string, options: MetricOptions, memo: Memo = noMemo): Promise<unknown> {
  const period = parsePeriod(options.period ?? "month");
  switch (name) {
    case "retention": {
      const by = parseBreakdown(options.by);
      const subscriptions = Number((await db.all<{n: bigint}>("SELECT count(*) AS n FROM subscriptions"))[0].n);
      // Each customer's periods, computed once for the three queries (and, in a refresh, for every breakdown).
      const sources = await customerActivity(db, [period], memo);
      const want = wanted(options);
      return {
        ...(want("triangle") && {triangle: await db.all(`SELECT * FROM ${await cohortTable(db, {period, by, minCohort: options.minCohort}, sources, memo)} ORDER BY "group", cohort, k`)}),
        ...(want("repeatRate") && {repeatRate: await db.all(repeatRateSql({period, by, minCohort: options.minCohort}, sources))}),
        ...(want("churn") && {churn: await db.all(churnSql({period, by}, sources))}),
        ...(want("recurringRevenue") && {recurringRevenue: subscriptions > 0 ? await db.all(mrrRetentionSql({period, by})) : null})
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
      {
        // A quarter holding a withheld month is withheld too, so the months shown cannot give it away.
        // Each customer's order days, made once for the periods (and both scorecards of a build).
        const days = await scorecardDays(db, memo);
        // Once per period and memo: the quarter's withholding needs the month's inputs, which a build has computed already.
        const inputs = (p: typeof period) =>
          memo(`scorecard inputs ${p}`, async () => ({
            counts: await db.all<ScorecardCountRow>(scorecardCountsSql(p, {days})),
            durations: await db.all<ScorecardDurationRow>(scorecardDurationsSql(p)),
            coverage: (await db.all<ScorecardCoverage>(scorecardCoverageSql()))[0]
          }));
        const minGroup = options.minResponses;
        const alsoWithhold = period === "quarter" ? withheldWithin(scorecard(await inputs("month"), {period: "month", minGroup})) : undefined;
        return scorecard(await inputs(period), {period, minGroup, alsoWithhold});
      }
    case "clv":
      return clvMetrics(db, parseBreakdown(options.by), {minGroupRepeaters: options.minGroupRepeaters, want: wanted(options)}, memo);
    case "emotion":
      return emotionMetrics(db, period);
    case "satisfaction": {
      // Star ratings are their own metric (never NPS); a warehouse without a ratings table has none.
      if (!(await hasRows(db, "ratings"))) return [];
      return satisfaction(await db.all<RatingCountRow>(ratingCountsSql({period, by: parseBreakdown(options.by)})), {minResponses: options.minResponses});
    }
    default:
      throw new MetricError(`unknown metric "${name}" (expected ${metricNames.join(", ")})`);
  }
}

/** Whether options.parts asks for a part of the result (every part when it names none). */
function wanted({parts}: MetricOptions): (part: string) => boolean {
  return (part) => parts === undefined || parts.includes(part);
}

/** Whether the warehouse has the table and a row in it (an export may hold no ratings: an empty table). */
async function hasRows(db: Database, name: string): Promise<boolean> {
  const rows = await db.all<{n: bigint}>(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '${name}'`);
  if (Number(rows[0].n) === 0) return false;
  return (await db.all(`SELECT 1 FROM "${name}" LIMIT 1`)).length > 0;
}

/**
 * The voice of the customer (src/metrics/sentiment.ts): the customer emotion score per period of
 * NPS comments, ticket texts and rating comments, how many were scored in which language, how well
 * comment emotion agrees with the score given alongside it (Spearman, per language), and the terms
 * that separate detractors from promoters (and low from top ratings). Each distinct text is scrubbed
 * and scored once; for the words, a text counts once per customer who wrote it.
 */
async function emotionMetrics(db: Database, period: ReturnType<typeof parsePeriod>) {
  const ratings = await hasRows(db, "ratings");
  // kind, period, score (NPS 0–10, or the rating as a share of its scale's top-two boxes), class for the words.
  const source = `SELECT 'nps' AS kind, ${periodSql(period, "responded_at")} AS period, score::DOUBLE AS score,
         CASE WHEN score <= 6 THEN 'low' WHEN score >= 9 THEN 'high' ELSE 'middle' END AS cls, comment AS text,
         coalesce(customer_id::VARCHAR, 'response ' || id::VARCHAR) AS who
       FROM nps_responses WHERE comment IS NOT NULL AND trim(comment) <> ''
       UNION ALL SELECT 'ticket', ${periodSql(period, "opened_at")}, NULL, 'background', text, coalesce(customer_id::VARCHAR, 'ticket ' || id::VARCHAR)
       FROM tickets WHERE text IS NOT NULL AND trim(text) <> ''
       ${
         ratings
           ? `UNION ALL SELECT 'rating', ${periodSql(period, "rated_at")}, score,
         CASE WHEN score <= scale_min + 1 THEN 'low' WHEN score >= scale_max - 1 THEN 'high' ELSE 'middle' END, comment,
         coalesce(customer_id::VARCHAR, 'rating ' || id::VARCHAR)
       FROM ratings WHERE comment IS NOT NULL AND trim(comment) <> ''`
           : ""
       }`;
  const texts = await db.all<{kind: string; period: Date; score: number | null; text: string; n: number}>(
    `SELECT kind, period, score, text, count(*)::INTEGER AS n FROM (${source}) GROUP BY ALL ORDER BY kind, period, score, text`
  );
  // For the words, a text counts once per customer who wrote it, over all periods.
  const wordTexts = await db.all<{kind: string; cls: string; text: string; n: number}>(
    `SELECT kind, cls, text, count(DISTINCT who)::INTEGER AS n FROM (${source}) GROUP BY ALL ORDER BY kind, cls, text`
  );
  // Words and scores are computed on scrubbed text, so no e-mail, phone or customer name can surface.
  const scrub = await customerScrubber(db);
  const scrubbed = new Map<string, string>();
  for (const t of [...texts, ...wordTexts]) {
    if (!scrubbed.has(t.text)) scrubbed.set(t.text, scrub(t.text) ?? "");
    t.text = scrubbed.get(t.text)!;
  }
  const context = dominantLanguage(new Set(scrubbed.values()));
  const score = emotionScorer({context});
  const of = (kind: string) => texts.filter((t) => t.kind === kind);
  const agreement = (kind: string) => {
    const byLanguage = new Map<string, {x: number[]; y: number[]}>();
    for (const t of of(kind)) {
      const e = score(t.text);
      if (!e || e.status === "not scored" || t.score === null) continue;
      const cell = byLanguage.get(e.language!) ?? {x: [], y: []};
      for (let i = 0; i < t.n; i++) {
        cell.x.push(e.valence);
        cell.y.push(t.score);
      }
      byLanguage.set(e.language!, cell);
    }
    return [...byLanguage].map(([language, {x, y}]) => ({language, comments: x.length, spearman: spearman(x, y) ?? null})).sort((a, b) => b.comments - a.comments);
  };
  const counted = (kind: string, cls: string): CountedText[] => wordTexts.filter((t) => t.kind === kind && t.cls === cls).map(({text, n}) => ({text, n}));
  // The prior's background is what is not under test: the middle scores and the support tickets.
  const words = (kind: string) =>
    distinguishingWords(counted(kind, "low"), counted(kind, "high"), {background: [...counted(kind, "middle"), ...counted("ticket", "background")]});
  const nps = of("nps");
  const rated = of("rating");
  return {
    // The comments' main language (ISO 639-1), or "und" (ISO 639-2: undetermined) when there are too few to tell.
    context: context ?? "und",
    npsComments: emotionTrend(nps, score),
    ticketTexts: emotionTrend(of("ticket"), score),
    ratingComments: ratings ? emotionTrend(rated, score) : null,
    languages: {nps: languageCounts(nps, score), tickets: languageCounts(of("ticket"), score), ratings: ratings ? languageCounts(rated, score) : null},
    agreement: {nps: agreement("nps"), ratings: ratings ? agreement("rating") : null},
    words: words("nps"),
    ratingWords: ratings ? words("rating") : null
  };
}

/**
 * Historical cumulative revenue by cohort, and the 12-month predicted CLV per group. The purchase model
 * (BG/NBD, MBG/NBD or Pareto/NBD) is chosen on a holdout (the last quarter of the data; see
 * src/metrics/clv.ts), then fit on all data. With --by, a group with enough repeat customers
 * (minGroupRepeaters) is valued with its own fit, a smaller one with the pooled fit; every group's
 * predictions are checked on the holdout. Customers are grouped by (group, x, t_x, T) with their spend
 * summed, and expected purchases are computed once per distinct (x, t_x, T) and fit.
 */
async function clvMetrics(
  db: Database,
  by: Breakdown | undefined,
  {unit = "week" as TimeUnit, minGroupRepeaters = defaultMinGroupRepeaters, want = (_: string) => true}: {unit?: TimeUnit; minGroupRepeaters?: number; want?: (part: string) => boolean} = {},
  memo: Memo
) {
  const {calibrationEnd} = await memo("clv calibration end", () => defaultCalibrationEnd(db));
  // With groups: every customer's summaries with every breakdown, made once per refresh and shared with clv.json
  // (clvCustomers); the per-group checks need the calibration ones. Without: one pass over the orders of its own.
  const own = "_clv_customers";
  const view = by ? await clvCustomers(db, calibrationEnd, memo) : undefined;
  const calibration = view?.("cal", by!);
  const table = view?.("all", by!) ?? own;
  let comparison, fit, groupFits, groups;
  try {
    comparison = await clvComparison(db, {unit, calibrationEnd}, memo);
    const model = comparison.chosen;
    if (!view) await db.run(`CREATE OR REPLACE TEMP TABLE ${own} AS ${rfmCustomersSql({})}`);
    fit = await pooledClvFit(db, {unit, table, model}, memo);
    if (calibration && by) {
      const binDays = fit.binDays;
      const calibrated = await calibratedClvFit(db, {unit, table: calibration, model, calibrationEnd, binDays}, memo);
      const checks = await groupChecksOnHoldout(db, {unit, calibrationEnd, table: calibration, model, minRepeaters: minGroupRepeaters, by}, calibrated, memo);
      groupFits = (await groupFitsOnAllData(db, {unit, table, model, minRepeaters: minGroupRepeaters, by}, fit, memo)).map((g) => ({...g, holdout: checks.get(g.group) ?? null}));
    }
    // Predict on the histories the model was fitted on: binned by week when the fit binned them (a large
    // customer base), which cuts a million customers' 700,000 distinct histories to about 200,000.
    groups = await db.all<{group: string; x: number; t_x: number; T: number; n: number; zbarSum: number}>(valueGroupsSql({unit, by, binDays: fit.binDays}, table));
  } finally {
    if (!view) await db.run(`DROP TABLE IF EXISTS ${own}`);
  }
  const fitOf = new Map((groupFits ?? []).map((g) => [g.group, g]));
  const predicted = new Map<string, {group: string; customers: number; total: number}>();
  const purchases = new Map<string, number>();
  const options = {unit, months: 12, discount: 0.01};
  // Per fit (tag: the group's own, or "" for the pooled one), its valuation, which shares the ₂F₁ series per (x, T).
  const valuations = new Map<string, (customer: RfmGroup) => number>();
  for (const g of groups) {
    const own = fitOf.get(g.group);
    const [purchaseFit, spendFit, tag] = own ? [own.purchases, own.gammaGamma, own.fit === "own" ? g.group : ""] : [fit.purchases, fit.gammaGamma, ""];
    let value = NaN;
    if (spendFit) {
      const key = `${tag}\t${g.x} ${g.t_x} ${g.T}`;
      let part = purchases.get(key);
      if (part === undefined) {
        let valued = valuations.get(tag);
        if (!valued) valuations.set(tag, (valued = discountedPurchasesOf(purchaseFit, options)));
        purchases.set(key, (part = valued(g)));
      }
      value = part * totalExpectedSpend(spendFit, g.x, g.n, g.zbarSum);
    }
    const cell = predicted.get(g.group) ?? {group: g.group, customers: 0, total: 0};
    cell.customers += g.n;
    cell.total += value;
    predicted.set(g.group, cell);
  }
  return {
    ...(want("historical") && {historical: await db.all(cumulativeRevenueSql({by}, await customerActivity(db, ["month"], memo)))}),
    ...(want("model") && {model: {model: fit.model, purchases: fit.purchases, gammaGamma: fit.gammaGamma, unit, comparison: comparisonSummary(comparison)}}),
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

/** A metric asked for in a way it does not support (a usage error, exit 64). */
export class MetricError extends UsageError {
  override name = "MetricError";
}

