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
import {distinguishingWords, sentimentTrend} from "../metrics/sentiment.js";
import {customerScrubber} from "../privacy/scrub.js";
import {rfmCustomersSql, valueGroupsSql} from "../metrics/rfm.js";
import {scorecard, scorecardSeriesSql} from "../metrics/scorecard.js";
import {npsAfterServiceSql, serviceSql, type ServiceBreakdown} from "../metrics/service.js";
import type {TimeUnit} from "../models/clv.js";
import type {Database} from "../warehouse/duckdb.js";
import {resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes, UsageError} from "../errors.js";
import {readWarehouse} from "../warehouse/read.js";
import {integer, type Command} from "./command.js";
import {outputFormat, outputHelp, outputOptions, render} from "./output.js";

export const metrics: Command = {
  usage: "NAME",
  summary: "print retention, clv, nps, service, scorecard or emotion figures from the warehouse",
  options: {period: {type: "string"}, by: {type: "string"}, "min-cohort": {type: "string"}, "min-responses": {type: "string"}, ...outputOptions},
  optionHelp: [
    "--period P            week, month (default) or quarter",
    "--by B                segment, region, channel or plan (service also ticket_channel)",
    "--min-cohort N        retention: mark cohorts of fewer than N customers as small (default 10)",
    "--min-responses N     nps, service: mark groups with fewer answers than N as small (default 30)",
    ...outputHelp
  ],
  shared: ["warehouse", "config"],
  env: ["RAPPORT_TRACE_SQL"],
  get details() {
    const width = Math.max(...metricNames.map((n) => n.length)) + 2;
    return `NAME and its parts (pick one with --part):
${metricNames.map((n) => `  ${n.padEnd(width)}${metricParts[n]}`).join("\n")}

Examples:
  rapport metrics retention --by channel                 every part, long ones cut to their first rows
  rapport metrics retention --part triangle --format csv > triangle.csv
  rapport metrics nps --period quarter --by segment --json`;
  },
  async run({args, cwd, option, values}) {
    const [name] = args;
    if (!metricNames.includes(name as MetricName)) throw new UsageError(`metrics needs one of ${metricNames.join(", ")}${name ? `, not ${JSON.stringify(name)}` : ""}`);
    const format = outputFormat(values);
    const config = await loadConfig(cwd, option("config"));
    const result = await readWarehouse(
      (db) =>
        computeMetric(db, name, {
          period: option("period"),
          by: option("by"),
          minCohort: option("min-cohort") === undefined ? undefined : integer(option("min-cohort")!, "--min-cohort"),
          minResponses: option("min-responses") === undefined ? undefined : integer(option("min-responses")!, "--min-responses")
        }).catch((error: Error) => {
          throw /^(invalid|unknown)/.test(error.message) ? new UsageError(error.message) : error;
        }),
      resolve(cwd, option("warehouse") ?? config.warehouse)
    );
    process.stdout.write(render(result, {format, part: option("part"), command: `metrics ${name}`}));
    return exitCodes.ok;
  }
};

/** The parts of each metric's output, for --help (test/cli/format.test.ts checks them against real output). */
export const metricParts: Record<MetricName, string> = {
  retention: "triangle, repeatRate, churn, recurringRevenue (empty without subscriptions)",
  clv: "historical, model, predicted",
  nps: "one table (NPS by period and group, with 95% margins)",
  service: "times, npsAfterService",
  scorecard: "one table (each aspect's current and previous value)",
  emotion: "npsComments, ticketTexts, words.detractors, words.promoters"
};

export const metricNames = ["retention", "clv", "nps", "service", "scorecard", "emotion"] as const;
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
      return scorecard(await db.all(scorecardSeriesSql(period)));
    case "clv":
      return clvMetrics(db, parseBreakdown(options.by));
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

/** A metric asked for in a way it does not support (a usage error, exit 64). */
export class MetricError extends UsageError {
  override name = "MetricError";
}

export {toJson} from "./output.js";
