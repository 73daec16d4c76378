/**
 * `rapport metrics NAME`: prints a metric of the registry (src/metrics/registry.ts) from the warehouse as
 * rows, so scripts and tests can read them.
 */
import {resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes, UsageError} from "../errors.js";
import {computeMetric, metricNames, type MetricName} from "../metrics/registry.js";
import {readWarehouse} from "../warehouse/read.js";
import {integer, type Command} from "./command.js";
import {outputFormat, outputHelp, outputOptions, render} from "./output.js";

export const metrics: Command = {
  usage: "NAME",
  summary: "print retention, clv, nps, service, scorecard, emotion or satisfaction figures from the warehouse",
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
          minResponses: option("min-responses") === undefined ? undefined : integer(option("min-responses")!, "--min-responses"),
          minGroupRepeaters: config.clvMinGroupRepeaters
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
  clv: "historical, model, model.purchases, model.purchases.atBound, model.comparison, model.comparison.models, predicted",
  nps: "one table (NPS by period and group, with 95% margins)",
  service: "times, npsAfterService",
  scorecard: "one table (each aspect's current and previous value)",
  emotion: "summary (the comments' main language), npsComments, ticketTexts, ratingComments, languages.nps, languages.tickets, languages.ratings, agreement.nps, agreement.ratings, words.detractors, words.promoters, ratingWords (its detractors and promoters when there are ratings)",
  satisfaction: "one table (count, mean and top-two-box share of star ratings by period and group)"
};
