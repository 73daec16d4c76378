/**
 * `rapport metrics retention|clv|nps|service|scorecard` and `rapport clv fit`:
 * every number the site shows, computed from the warehouse and printed as
 * rows, so scripts and tests can read them.
 */
import {discountedPurchases} from "../models/clv.js";
import {totalExpectedSpend} from "../models/gammagamma.js";
import {fitClv} from "../metrics/clv.js";
import {cumulativeRevenueSql} from "../metrics/historical.js";
import {npsCountsSql, npsFromCounts, npsTrend, type NpsCountRow} from "../metrics/nps.js";
import {parseBreakdown, parsePeriod, periodSql, type Breakdown} from "../metrics/periods.js";
import {churnSql, cohortSql, mrrRetentionSql, repeatRateSql} from "../metrics/retention.js";
import {dominantLanguage} from "../metrics/language.js";
import {ratingCountsSql, satisfaction, type RatingCountRow} from "../metrics/satisfaction.js";
import {distinguishingWords, emotionScorer, emotionTrend, languageCounts, spearman, type CountedText} from "../metrics/sentiment.js";
import {customerScrubber} from "../privacy/scrub.js";
import {rfmCustomersSql, valueGroupsSql} from "../metrics/rfm.js";
import {scorecard, scorecardCountsSql, scorecardCoverageSql, scorecardDurationsSql, type ScorecardCountRow, type ScorecardCoverage, type ScorecardDurationRow, withheldWithin} from "../metrics/scorecard.js";
import {npsAfterServiceSql, serviceSql, type ServiceBreakdown} from "../metrics/service.js";
import type {TimeUnit} from "../models/clv.js";
import type {Database} from "../warehouse/duckdb.js";

export const metricNames = ["retention", "clv", "nps", "service", "scorecard", "emotion", "satisfaction"] as const;
export type MetricName = (typeof metricNames)[number];

export interface MetricOptions {
  period?: string;
  by?: string;
  minCohort?: number;
  minResponses?: number;
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
      {
        // A quarter holding a withheld month is withheld too, so the months shown cannot give it away.
        const inputs = async (p: typeof period) => ({
          counts: await db.all<ScorecardCountRow>(scorecardCountsSql(p)),
          durations: await db.all<ScorecardDurationRow>(scorecardDurationsSql(p)),
          coverage: (await db.all<ScorecardCoverage>(scorecardCoverageSql()))[0]
        });
        const minGroup = options.minResponses;
        const alsoWithhold = period === "quarter" ? withheldWithin(scorecard(await inputs("month"), {period: "month", minGroup})) : undefined;
        return scorecard(await inputs(period), {period, minGroup, alsoWithhold});
      }
    case "clv":
      return clvMetrics(db, parseBreakdown(options.by));
    case "emotion":
      return emotionMetrics(db, period);
    case "satisfaction": {
      // Star ratings are their own metric (never NPS); a warehouse without a ratings table has none.
      if (!(await hasTable(db, "ratings"))) return [];
      return satisfaction(await db.all<RatingCountRow>(ratingCountsSql({period, by: parseBreakdown(options.by)})), {minResponses: options.minResponses});
    }
    default:
      throw new MetricError(`unknown metric "${name}" (expected ${metricNames.join(", ")})`);
  }
}

async function hasTable(db: Database, name: string): Promise<boolean> {
  const rows = await db.all<{n: bigint}>(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '${name}'`);
  return Number(rows[0].n) > 0;
}

/**
 * The voice of the customer (src/metrics/sentiment.ts): the customer emotion score per period of
 * NPS comments, ticket texts and rating comments, how many were scored in which language, how well
 * comment emotion agrees with the score given alongside it (Spearman, per language), and the terms
 * that separate detractors from promoters (and low from top ratings). Each distinct text is scrubbed
 * and scored once; for the words, a text counts once per customer who wrote it.
 */
async function emotionMetrics(db: Database, period: ReturnType<typeof parsePeriod>) {
  const ratings = await hasTable(db, "ratings");
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
    context: context ?? null,
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
 * Historical cumulative revenue by cohort, and the 12-month predicted CLV per group from a fit on all data.
 * The orders are summarised per customer once, for both the fit and the groups; customers are grouped by
 * (group, x, t_x, T) with their spend summed, and expected purchases are computed once per distinct
 * (x, t_x, T).
 */
async function clvMetrics(db: Database, by: Breakdown | undefined, unit: TimeUnit = "week") {
  // One pass over the orders for the fit and the groups.
  const table = "_clv_customers";
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${rfmCustomersSql({}, by)}`);
  let fit, groups;
  try {
    fit = await fitClv(db, {unit, table});
    // Predict on the histories the model was fitted on: binned by week when the fit binned them (a large
    // customer base), which cuts a million customers' 700,000 distinct histories to about 200,000.
    groups = await db.all<{group: string; x: number; t_x: number; T: number; n: number; zbarSum: number}>(valueGroupsSql({unit, by, binDays: fit.binDays}, table));
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${table}`);
  }
  const predicted = new Map<string, {group: string; customers: number; total: number}>();
  const purchases = new Map<string, number>();
  const options = {unit, months: 12, discount: 0.01};
  for (const g of groups) {
    let value = NaN;
    if (fit.gammaGamma) {
      const key = `${g.x} ${g.t_x} ${g.T}`;
      let part = purchases.get(key);
      if (part === undefined) purchases.set(key, (part = discountedPurchases(fit.bgnbd, g, options)));
      value = part * totalExpectedSpend(fit.gammaGamma, g.x, g.n, g.zbarSum);
    }
    const cell = predicted.get(g.group) ?? {group: g.group, customers: 0, total: 0};
    cell.customers += g.n;
    cell.total += value;
    predicted.set(g.group, cell);
  }
  return {
    historical: await db.all(cumulativeRevenueSql({by})),
    model: {bgnbd: fit.bgnbd, gammaGamma: fit.gammaGamma, unit},
    predicted: [...predicted.values()].map((p) => ({group: p.group, customers: p.customers, meanClv12: p.total / p.customers, months: 12, monthlyDiscount: 0.01}))
  };
}

export class MetricError extends Error {
  override name = "MetricError";
}

/** JSON with dates as ISO strings and non-finite numbers as null. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : typeof v === "bigint" ? Number(v) : v), 2);
}
