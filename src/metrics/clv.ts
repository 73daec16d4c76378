/**
 * Predictive CLV from the warehouse: the RFM summary (rfm.ts) in SQL, the
 * BG/NBD and Gamma-Gamma fits in TypeScript (src/models/), and, when a
 * calibration end is given, the holdout check that compares predicted with
 * actual repeat purchases after it: in total, and by the number of repeat
 * purchases in calibration (0, 1, ..., 7+), the chart of Fader, Hardie & Lee
 * (2005, fig. 4).
 */
import {expectedPurchases, fitBgNbd, type BgNbdFit} from "../models/bgnbd.js";
import {fitGammaGamma, type GammaGammaFit} from "../models/gammagamma.js";
import type {Database} from "../warehouse/duckdb.js";
import {distinctHistoriesSql, rfmCustomersSql, rfmGroupsSql, spendGroupsSql, type RfmOptions} from "./rfm.js";

export interface HoldoutRow {
  /** Repeat purchases in calibration; 7 stands for 7 or more. */
  x: number;
  customers: number;
  actual: number;
  predicted: number;
}

export interface ClvFitResult {
  unit: RfmOptions["unit"];
  calibrationEnd: string | null;
  /** Days t_x and T were rounded to for the fit (1: exact). */
  binDays: number;
  customers: number;
  groups: number;
  bgnbd: BgNbdFit;
  gammaGamma: GammaGammaFit | null;
  holdout: {length: number; actual: number; predicted: number; byFrequency: HoldoutRow[]} | null;
}

type Group = {x: number; t_x: number; T: number; n: number; holdout: number; holdout_length: number};

/** Above this many distinct (x, t_x, T), the fit groups customers in weekly bins (see RfmOptions.binDays). */
export const maxExactGroups = 50_000;

/**
 * Fits BG/NBD and Gamma-Gamma on the warehouse's orders. The per-customer
 * summary is computed once into a temporary table (or read from options.table,
 * a table of rfmCustomersSql rows with the same calibrationEnd, when the
 * caller has one) and grouped from there for each model.
 */
export async function fitClv(db: Database, options: RfmOptions & {table?: string}): Promise<ClvFitResult> {
  const table = options.table ?? "_rfm_customers";
  if (!options.table) await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${rfmCustomersSql(options)}`);
  try {
    return await fitFrom(db, options, table);
  } finally {
    if (!options.table) await db.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

async function fitFrom(db: Database, options: RfmOptions, table: string): Promise<ClvFitResult> {
  let binDays = options.binDays ?? 1;
  if (options.binDays === undefined && (await db.all<{n: number}>(distinctHistoriesSql(table)))[0].n > maxExactGroups) binDays = 7;
  const groups = await db.all<Group>(rfmGroupsSql({...options, binDays}, table));
  if (groups.length === 0) throw new Error("no completed orders to fit the CLV models on");
  const bgnbd = fitBgNbd(groups);
  const spend = await db.all<{x: number; zbar: number; n: number}>(spendGroupsSql({...options, binDays}, table));
  const gammaGamma = spend.length > 0 ? fitGammaGamma(spend) : null;
  let holdout: ClvFitResult["holdout"] = null;
  if (options.calibrationEnd) {
    const length = groups[0].holdout_length;
    const rows = new Map<number, HoldoutRow>();
    for (const g of groups) {
      const key = Math.min(g.x, 7);
      const row = rows.get(key) ?? {x: key, customers: 0, actual: 0, predicted: 0};
      row.customers += g.n;
      row.actual += g.holdout;
      row.predicted += g.n * expectedPurchases(bgnbd, length, g);
      rows.set(key, row);
    }
    const byFrequency = [...rows.values()].sort((a, b) => a.x - b.x);
    holdout = {
      length,
      actual: byFrequency.reduce((s, r) => s + r.actual, 0),
      predicted: byFrequency.reduce((s, r) => s + r.predicted, 0),
      byFrequency
    };
  }
  return {
    unit: options.unit,
    calibrationEnd: options.calibrationEnd ?? null,
    binDays,
    customers: bgnbd.customers,
    groups: groups.length,
    bgnbd,
    gammaGamma,
    holdout
  };
}
