/** `rapport clv fit`: fit a purchase model (chosen on a holdout, or named) and Gamma-Gamma on the warehouse's orders and print the parameters. */
import {resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes, RapportError, UsageError} from "../errors.js";
import {fitClvChosen} from "../metrics/clv.js";
import {purchaseModels, type PurchaseModelName} from "../models/purchases.js";
import type {Database} from "../warehouse/duckdb.js";
import {readWarehouse} from "../warehouse/read.js";
import type {Command} from "./command.js";
import {outputFormat, outputHelp, outputOptions, render} from "./output.js";

export const clv: Command = {
  usage: "fit",
  summary: "fit a purchase model (chosen on a holdout) and Gamma-Gamma on the warehouse's orders (--calibration-end for the holdout)",
  options: {"calibration-end": {type: "string"}, unit: {type: "string"}, model: {type: "string"}, ...outputOptions},
  optionHelp: [
    "--calibration-end D   last day of the calibration period (YYYY-MM-DD), between the first and the last order;",
    "                      the orders after it are the holdout the fit's predictions are checked against",
    "--unit U              day or week (default week)",
    "--model M             auto (default: BG/NBD, MBG/NBD and Pareto/NBD compared on a holdout), bgnbd, mbgnbd or pareto",
    ...outputHelp
  ],
  shared: ["warehouse", "config"],
  env: ["RAPPORT_TRACE_SQL"],
  details: `Parts: summary, purchases (the chosen model's fit), gammaGamma, comparison.models (the three models on the holdout),
and with --calibration-end holdout and holdout.byFrequency.

Examples (the bundled sample's orders run from November 2023 to October 2026):
  rapport clv fit --calibration-end 2025-10-31 --unit week
  rapport clv fit --calibration-end 2025-10-31 --part holdout.byFrequency --format csv`,
  async run({args, cwd, option, values}) {
    if (args[0] !== "fit" || args.length > 1) throw new UsageError("clv takes one subcommand: clv fit");
    const format = outputFormat(values);
    const unit = option("unit") ?? "week";
    if (unit !== "day" && unit !== "week") throw new UsageError(`--unit must be day or week, not ${JSON.stringify(unit)}`);
    const end = option("calibration-end");
    if (end !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(end)))) throw new UsageError(`--calibration-end must be a date YYYY-MM-DD, not ${JSON.stringify(end)}`);
    const config = await loadConfig(cwd, option("config"));
    const model = option("model") ?? "auto";
    if (model !== "auto" && !(purchaseModels as readonly string[]).includes(model)) throw new UsageError(`--model must be auto, ${purchaseModels.join(", ")}, not ${JSON.stringify(model)}`);
    const warehouse = resolve(cwd, option("warehouse") ?? config.warehouse);
    const result = await readWarehouse(async (db) => {
      const span = await orderSpan(db);
      if (!span) throw new RapportError(`${warehouse} has no completed orders to fit the CLV models on: load orders first (rapport ingest PATH)`, "bad-input", {file: warehouse});
      if (end !== undefined) checkCalibrationEnd(end, span);
      return fitClvChosen(db, {unit, calibrationEnd: end, model: model as PurchaseModelName | "auto"});
    }, warehouse);
    process.stdout.write(render(result, {format, part: option("part"), command: "clv fit"}));
    return exitCodes.ok;
  }
};

/** The first and last day (UTC, YYYY-MM-DD) of the completed orders, or undefined when there are none. */
async function orderSpan(db: Database): Promise<{first: string; last: string} | undefined> {
  const [row] = await db.all<{first: string | null; last: string | null}>(
    "SELECT strftime(min(ordered_at)::DATE, '%Y-%m-%d') AS first, strftime(max(ordered_at)::DATE, '%Y-%m-%d') AS last FROM orders WHERE status = 'completed'"
  );
  return row?.first && row.last ? {first: row.first, last: row.last} : undefined;
}

/** A calibration end outside the orders leaves the fit or the holdout with nothing: say which, and what would work. */
export function checkCalibrationEnd(end: string, {first, last}: {first: string; last: string}): void {
  const between = `pick a day between ${first} and ${last}, e.g. ${suggestedEnd(first, last)} (two thirds of the way), or leave --calibration-end out to fit on every order`;
  if (end < first) throw new UsageError(`--calibration-end ${end} is before the first order (${first}): nothing to fit on; ${between}`);
  if (end >= last) throw new UsageError(`--calibration-end ${end} is on or after the last order (${last}): no holdout to check the fit against; ${between}`);
}

/** The last day of the month two thirds of the way from first to last (before last). */
export function suggestedEnd(first: string, last: string): string {
  const a = Date.parse(first);
  const b = Date.parse(last);
  const at = new Date(a + ((b - a) * 2) / 3);
  const monthEnd = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0));
  return monthEnd.getTime() < b && monthEnd.getTime() >= a ? monthEnd.toISOString().slice(0, 10) : at.toISOString().slice(0, 10);
}
