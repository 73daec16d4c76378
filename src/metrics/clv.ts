/**
 * Predictive CLV from the warehouse: the RFM summary (rfm.ts) in SQL, the
 * purchase models (BG/NBD, MBG/NBD, Pareto/NBD) and Gamma-Gamma in TypeScript
 * (src/models/), and, when a calibration end is given, the holdout check that
 * compares predicted with actual repeat purchases after it: in total, and by
 * the number of repeat purchases in calibration (0, 1, ..., 7+), the chart of
 * Fader, Hardie & Lee (2005, fig. 4).
 *
 * Model choice (compareModels): the three purchase models are fit on the
 * calibration period and scored on the holdout by
 *   error = Σ_k |predicted_k − actual_k| / Σ_k actual_k
 * over the frequency rows k = 0, 1, ..., 7+: the share of holdout purchases
 * the model puts in the wrong place, counting both a wrong total and a wrong
 * split between light and heavy buyers. The lowest error wins.
 *
 * Per group (fitByGroup): a breakdown group with at least minGroupRepeaters
 * customers with a repeat purchase gets its own fit of the chosen model and of
 * Gamma-Gamma; a smaller group is valued with the pooled fit. Each group's
 * fits are checked on the holdout as the pooled one is.
 */
import type {RfmGroup} from "../models/bgnbd.js";
import {fitGammaGamma, type GammaGammaFit} from "../models/gammagamma.js";
import {expectedPurchasesOf, fitPurchaseModel, purchaseModels, type PurchaseFit, type PurchaseModelName} from "../models/purchases.js";
import type {Database} from "../warehouse/duckdb.js";
import {breakdowns, type Breakdown} from "./periods.js";
import {distinctHistoriesSql, rfmCustomersSql, rfmGroupsSql, spendGroupsSql, type RfmOptions} from "./rfm.js";

export interface HoldoutRow {
  /** Repeat purchases in calibration; 7 stands for 7 or more. */
  x: number;
  customers: number;
  actual: number;
  predicted: number;
}

export interface Holdout {
  length: number;
  actual: number;
  predicted: number;
  /** Σ |predicted − actual| over byFrequency, over actual: what the model choice minimises. */
  error: number;
  byFrequency: HoldoutRow[];
}

export interface ClvFitResult {
  unit: RfmOptions["unit"];
  calibrationEnd: string | null;
  /** Days t_x and T were rounded to for the fit (1: exact). */
  binDays: number;
  customers: number;
  groups: number;
  model: PurchaseModelName;
  /** The purchase model's fit: parameters, log-likelihood, and status ("converged", "at-bound", "iteration-limit"). */
  purchases: PurchaseFit;
  gammaGamma: GammaGammaFit | null;
  /** Repeat customers whose repeat purchases all sum to zero: outside Gamma-Gamma's fit (see rfm.ts, the zero-amount rule). */
  zeroSpendRepeaters: number;
  holdout: Holdout | null;
}

type Group = {x: number; t_x: number; T: number; n: number; holdout: number; holdout_length: number};

/** Above this many distinct (x, t_x, T), the fit groups customers in weekly bins (see RfmOptions.binDays). */
export const maxExactGroups = 50_000;

/**
 * The default minimum of customers with a repeat purchase for a breakdown group to get its own fit
 * (rapport.config.json: clvMinGroupRepeaters). Gamma-Gamma is fit on repeat customers only, and the
 * purchase models learn how customers leave from them; with 100, a group's mean spend has a standard
 * error of about a tenth of itself (spend per order varies about as much as its mean on the sample
 * and on CDNOW), small next to the 30–40% by which pooling misstates the sample's segments.
 */
export const defaultMinGroupRepeaters = 100;

export type ClvOptions = RfmOptions & {table?: string; model?: PurchaseModelName};

/**
 * Fits a purchase model (options.model, default BG/NBD) and Gamma-Gamma on the
 * warehouse's orders. The per-customer summary is computed once into a
 * temporary table (or read from options.table, a table of rfmCustomersSql rows
 * with the same calibrationEnd, when the caller has one) and grouped from
 * there for each model.
 */
export async function fitClv(db: Database, options: ClvOptions): Promise<ClvFitResult> {
  return withCustomers(db, options, (table) => fitFrom(db, options, table));
}

export interface ModelComparison {
  calibrationEnd: string;
  /** 1: every customer; k: the comparison ran on a deterministic 1-in-k sample of customers (a large base). */
  sampleEvery: number;
  chosen: PurchaseModelName;
  models: {model: PurchaseModelName; purchases: PurchaseFit; holdout: Holdout}[];
}

/**
 * Above this many customers, the model comparison runs on a deterministic 1-in-k sample of about this
 * many (by a hash of the customer id), with histories in weekly bins: the three fits then cost a few
 * seconds at any size. 20,000 customers tell the models apart: on the 2,169-customer sample the
 * errors already differ by 0.5 to 3.7 points.
 */
export const maxComparisonCustomers = 20_000;

/**
 * Fits BG/NBD, MBG/NBD and Pareto/NBD on the orders up to calibrationEnd and
 * chooses the one with the lowest holdout error (see the module's docblock).
 * With options.table (rfmCustomersSql rows with this calibrationEnd), the
 * sample is drawn from it; otherwise from the orders directly.
 */
export async function compareModels(db: Database, options: RfmOptions & {calibrationEnd: string; table?: string}): Promise<ModelComparison> {
  const [{n}] = await db.all<{n: number}>(
    options.table ? `SELECT count(*)::INTEGER AS n FROM ${options.table}` : `SELECT count(DISTINCT customer_id)::INTEGER AS n FROM orders WHERE status = 'completed'`
  );
  const sampleEvery = Math.max(1, Math.ceil(n / maxComparisonCustomers));
  const binDays = sampleEvery > 1 ? 7 : options.binDays;
  const summary = {...options, sampleEvery, binDays};
  return withCustomers(db, summary, async (table) => {
    // A table of the caller's is sampled when read; one made here was sampled when written.
    const {groups} = await summaries(db, options.table ? summary : {...summary, sampleEvery: 1}, table);
    const models = purchaseModels.map((model) => {
      const purchases = fitPurchaseModel(model, groups);
      return {model, purchases, holdout: holdoutOf(purchases, groups)};
    });
    const chosen = models.reduce((best, m) => (m.holdout.error < best.holdout.error ? m : best)).model;
    return {calibrationEnd: options.calibrationEnd, sampleEvery, chosen, models};
  });
}

/** A group with more customers than this is fit on a 1-in-k sample of about this many (see fitByGroup): ten thousand customers, four times the CDNOW calibration sample, pin four parameters down to a few percent. */
export const maxGroupFitCustomers = 10_000;

export interface GroupFit {
  group: string;
  customers: number;
  repeaters: number;
  /** "own": fit on the group's customers; "pooled": too few repeat customers, valued with the fit on everyone. */
  fit: "own" | "pooled";
  purchases: PurchaseFit;
  gammaGamma: GammaGammaFit | null;
}

/**
 * One fit per breakdown group of a table of rfmCustomersSql(…, by) rows: the
 * group's own fit when it has at least minRepeaters repeat customers with
 * positive spend, else the pooled fit. With a calibration end, each group's
 * holdout check is computed with the fit it is valued with.
 */
export async function fitByGroup(
  db: Database,
  options: RfmOptions & {table: string; model: PurchaseModelName; minRepeaters: number},
  pooled: ClvFitResult,
  /**
   * Shares each group's own fit between the calls of one refresh (clv.json and the group pages fit the same
   * groups on the same customer summaries): memo, and what names the breakdown the table's groups are of.
   */
  shared?: {memo: <T>(key: string, f: () => Promise<T>) => Promise<T>; by: string}
): Promise<(GroupFit & {holdout: Holdout | null})[]> {
  const {table, model, minRepeaters} = options;
  const sizes = await db.all<{group: string; customers: number; repeaters: number}>(
    `SELECT "group", count(*)::INTEGER AS customers, (count(*) FILTER (WHERE x > 0 AND zbar > 0))::INTEGER AS repeaters FROM ${table} GROUP BY ALL ORDER BY ALL`
  );
  const result = [];
  for (const {group, customers, repeaters} of sizes) {
    const {groups, spend} = await summaries(db, {...options, binDays: pooled.binDays, group}, table);
    const own = repeaters >= minRepeaters;
    // A large group is fit on a 1-in-k sample of its customers (the estimates are as good, the fit k times cheaper) and checked on all of them.
    const sampleEvery = Math.ceil(customers / maxGroupFitCustomers);
    const ownFit = async () => {
      const sample = sampleEvery > 1 ? await summaries(db, {...options, binDays: 7, group, sampleEvery}, table) : {groups, spend};
      return {purchases: fitPurchaseModel(model, sample.groups), gammaGamma: fitGammaGamma(sample.spend)};
    };
    const key = `clv group fit ${shared?.by} ${JSON.stringify(group)} ${model} ${options.calibrationEnd ?? "all data"} ${pooled.binDays} ${sampleEvery}`;
    const {purchases, gammaGamma} = own ? await (shared ? shared.memo(key, ownFit) : ownFit()) : pooled;
    result.push({group, customers, repeaters, fit: own ? ("own" as const) : ("pooled" as const), purchases, gammaGamma, holdout: options.calibrationEnd ? holdoutOf(purchases, groups) : null});
  }
  return result;
}

async function withCustomers<T>(db: Database, options: RfmOptions & {table?: string}, f: (table: string) => Promise<T>): Promise<T> {
  const table = options.table ?? "_rfm_customers";
  if (!options.table) await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${rfmCustomersSql(options)}`);
  try {
    return await f(table);
  } finally {
    if (!options.table) await db.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

async function summaries(db: Database, options: RfmOptions, table: string) {
  const groups = await db.all<Group>(rfmGroupsSql(options, table));
  if (groups.length === 0) throw new Error(`no completed orders to fit the CLV models on${options.group === undefined ? "" : ` in group "${options.group}"`}`);
  const spend = await db.all<{x: number; zbar: number; n: number}>(spendGroupsSql(options, table));
  return {groups, spend};
}

async function fitFrom(db: Database, options: ClvOptions, table: string): Promise<ClvFitResult> {
  let binDays = options.binDays ?? 1;
  if (options.binDays === undefined && (await db.all<{n: number}>(distinctHistoriesSql(table)))[0].n > maxExactGroups) binDays = 7;
  const {groups, spend} = await summaries(db, {...options, binDays}, table);
  const model = options.model ?? "bgnbd";
  const purchases = fitPurchaseModel(model, groups);
  const gammaGamma = spend.length > 0 ? fitGammaGamma(spend) : null;
  const [{zero}] = await db.all<{zero: number}>(`SELECT count(*)::INTEGER AS zero FROM ${table} WHERE x > 0 AND zbar <= 0`);
  return {
    unit: options.unit,
    calibrationEnd: options.calibrationEnd ?? null,
    binDays,
    customers: purchases.customers,
    groups: groups.length,
    model,
    purchases,
    gammaGamma,
    zeroSpendRepeaters: zero,
    holdout: options.calibrationEnd ? holdoutOf(purchases, groups) : null
  };
}

/** Predicted against actual purchases after calibration, by calibration frequency 0 … 7+. */
export function holdoutOf(purchases: PurchaseFit, groups: readonly (RfmGroup & {n: number; holdout: number; holdout_length: number})[]): Holdout {
  const length = groups[0].holdout_length;
  const rows = new Map<number, HoldoutRow>();
  for (const g of groups) {
    const key = Math.min(g.x, 7);
    const row = rows.get(key) ?? {x: key, customers: 0, actual: 0, predicted: 0};
    row.customers += g.n;
    row.actual += g.holdout;
    row.predicted += g.n * expectedPurchasesOf(purchases, length, g);
    rows.set(key, row);
  }
  const byFrequency = [...rows.values()].sort((a, b) => a.x - b.x);
  const actual = byFrequency.reduce((s, r) => s + r.actual, 0);
  const error = byFrequency.reduce((s, r) => s + Math.abs(r.predicted - r.actual), 0) / Math.max(actual, 1);
  return {length, actual, predicted: byFrequency.reduce((s, r) => s + r.predicted, 0), error, byFrequency};
}

/**
 * Every customer's RFM summary with every breakdown (rfmCustomersSql's profile rows) as temporary tables,
 * for all data (_clv_all) and up to calibrationEnd (_clv_cal), made once per memo, with a view per table and
 * breakdown that names the breakdown's column "group" (_clv_all_segment, _clv_cal_segment, …). Returns the
 * view's name (without a breakdown, the table's: every customer's row, with the breakdowns as columns). clv.json and `rapport metrics clv --by` (the group pages) read them: two reads of the orders
 * in a refresh instead of two per breakdown and table. The rows are rfmCustomersSql(options, by)'s.
 */
export async function clvCustomers(db: {run(sql: string): Promise<unknown>}, calibrationEnd: string, memo: <T>(key: string, f: () => Promise<T>) => Promise<T>): Promise<(table: "all" | "cal", by?: Breakdown) => string> {
  await memo(`clv customers ${calibrationEnd}`, async () => {
    await db.run(`CREATE OR REPLACE TEMP TABLE _clv_all AS ${rfmCustomersSql({}, undefined, {profile: true})}`);
    await db.run(`CREATE OR REPLACE TEMP TABLE _clv_cal AS ${rfmCustomersSql({calibrationEnd}, undefined, {profile: true})}`);
    for (const t of ["all", "cal"]) {
      for (const by of breakdowns) await db.run(`CREATE OR REPLACE TEMP VIEW _clv_${t}_${by} AS SELECT * EXCLUDE ("group"), "${by}" AS "group" FROM _clv_${t}`);
    }
    return true;
  });
  return (table, by) => (by ? `_clv_${table}_${by}` : `_clv_${table}`);
}

/** The calibration end the site and `metrics clv` use: the last quarter of the data's span, in whole weeks, is the holdout. */
export async function defaultCalibrationEnd(db: Database): Promise<{calibrationEnd: string; first: Date; last: Date}> {
  const [bounds] = await db.all<{first: Date; last: Date}>(`SELECT min(ordered_at)::DATE AS first, max(ordered_at)::DATE AS last FROM orders WHERE status = 'completed'`);
  if (!bounds?.last) throw new Error("no completed orders to fit the CLV models on");
  const holdoutDays = 7 * Math.max(1, Math.round((0.25 * (+bounds.last - +bounds.first)) / 86_400_000 / 7));
  return {...bounds, calibrationEnd: new Date(+bounds.last - holdoutDays * 86_400_000).toISOString().slice(0, 10)};
}

export type {Breakdown};

/**
 * `rapport clv fit`: with model "auto" (the default), compares the three purchase models on a holdout
 * (calibrationEnd when given, else the last quarter of the data) and fits the chosen one, up to
 * calibrationEnd when given (with its holdout check), else on all data; with a model name, fits that
 * model only. The comparison comes with the result.
 */
export async function fitClvChosen(db: Database, {model = "auto", ...options}: RfmOptions & {model?: PurchaseModelName | "auto"}): Promise<ClvFitResult & {comparison: ModelComparison | null}> {
  if (model !== "auto") return {...(await fitClv(db, {...options, model})), comparison: null};
  const calibrationEnd = options.calibrationEnd ?? (await defaultCalibrationEnd(db)).calibrationEnd;
  const comparison = await compareModels(db, {...options, calibrationEnd});
  return {...(await fitClv(db, {...options, model: comparison.chosen})), comparison};
}
