/** `rapport clv fit`: fit a purchase model (chosen on a holdout, or named) and Gamma-Gamma on the warehouse's orders and print the parameters. */
import {resolve} from "node:path";
import {loadConfig} from "../config.js";
import {exitCodes, UsageError} from "../errors.js";
import {fitClvChosen} from "../metrics/clv.js";
import {purchaseModels, type PurchaseModelName} from "../models/purchases.js";
import {readWarehouse} from "../warehouse/read.js";
import type {Command} from "./command.js";
import {toJson} from "./metrics.js";

export const clv: Command = {
  usage: "fit",
  summary: "fit a purchase model (chosen on a holdout) and Gamma-Gamma on the warehouse's orders (--calibration-end for the holdout)",
  options: {"calibration-end": {type: "string"}, unit: {type: "string"}, model: {type: "string"}},
  optionHelp: [
    "--calibration-end D   clv fit: last day of the calibration period (YYYY-MM-DD)",
    "--unit U              clv fit: day or week (default week)",
    "--model M             clv fit: auto (default: chosen on a holdout), bgnbd, mbgnbd or pareto"
  ],
  async run({args, cwd, option}) {
    if (args[0] !== "fit") throw new UsageError("clv takes one subcommand: clv fit");
    const unit = option("unit") ?? "week";
    if (unit !== "day" && unit !== "week") throw new UsageError(`--unit must be day or week, not ${JSON.stringify(unit)}`);
    const end = option("calibration-end");
    if (end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new UsageError(`--calibration-end must be a date YYYY-MM-DD, not ${JSON.stringify(end)}`);
    const config = await loadConfig(cwd, option("config"));
    const model = option("model") ?? "auto";
    if (model !== "auto" && !(purchaseModels as readonly string[]).includes(model)) throw new UsageError(`--model must be auto, ${purchaseModels.join(", ")}, not ${JSON.stringify(model)}`);
    const result = await readWarehouse(
      (db) => fitClvChosen(db, {unit, calibrationEnd: end, model: model as PurchaseModelName | "auto"}),
      resolve(cwd, option("warehouse") ?? config.warehouse)
    );
    process.stdout.write(toJson(result) + "\n");
    return exitCodes.ok;
  }
};
