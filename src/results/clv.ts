/**
 * clv.json: customer lifetime value for the Lifetime value page, as `rapport metrics clv --by …` computes it:
 * historical cumulative revenue per customer by monthly cohort (src/metrics/historical.ts), and the
 * 12-month predicted CLV (src/metrics/clv.ts): the purchase model (BG/NBD, MBG/NBD or Pareto/NBD) is
 * chosen by its error on a holdout (the last quarter of the data), then fit with Gamma-Gamma on all
 * data; each group of each breakdown with at least clvMinGroupRepeaters repeat customers gets its own
 * fit, smaller groups the pooled one, and every group's fit is checked on the holdout. Only aggregates
 * leave: totals per group, sums per group and cohort month (so the page can filter by cohort), a
 * histogram of per-customer CLV, mean probability-alive per frequency × recency cell, and the holdout
 * checks. Any figure describing fewer than minGroupSize customers is withheld (its count kept, its
 * value null).
 */
import {clvCustomers, defaultCalibrationEnd, type ClvFitResult, type GroupFit} from "../metrics/clv.js";
import {cumulativeRevenueSql} from "../metrics/historical.js";
import {cohortTable, customerActivity} from "../metrics/retention.js";
import {breakdowns, type Breakdown} from "../metrics/periods.js";
import {customerProfileGroupsSql} from "../metrics/rfm.js";
import {modelLabels, parametersOf, probabilityAliveOf, type PurchaseFit} from "../models/purchases.js";
import type {RfmGroup} from "../models/bgnbd.js";
import {daysPerMonth, discountedPurchasesOf} from "../models/clv.js";
import {expectedSpend} from "../models/gammagamma.js";
import {calibratedClvFit, clvComparison, groupChecksOnHoldout, groupFitsOnAllData, pooledClvFit} from "../metrics/registry.js";
import {eachChunk, literal} from "../warehouse/duckdb.js";
import type {ResultContext} from "./context.js";

const unit = "week";
const months = 12;
const monthlyDiscount = 0.01;
/** Months since the first order the historical curves go up to: enough for leadership, and the page stays small. */
const maxMonths = 36;
/** Repeat purchases 0 … 9, then "10 or more". */
const maxFrequency = 10;
/** Months since the last purchase: the lower edges of the recency bins (the last is open). */
const recencyEdges = [0, 1, 2, 3, 6, 9, 12, 18, 24, 36];

/**
 * Every customer profile (customerProfileGroupsSql's rows, in its order) in columns: numbers in typed arrays,
 * each breakdown's values as indexes into its list of names, and each (x, t_x, T) as an index into the list of
 * distinct histories the models are evaluated on. About 60 bytes a profile: one JS object per row took about
 * 900 (836 MB of heap for the 919,125 profiles of a million customers), past Node's heap at ten million.
 */
interface Profiles {
  length: number;
  cohort: Float64Array;
  x: Int32Array;
  zbar: Float64Array;
  daysSinceLast: Int32Array;
  n: Int32Array;
  history: Int32Array;
  /** Per breakdown (in the order of `breakdowns`): each profile's group, and the groups' names. */
  groups: Uint32Array[];
  names: string[][];
  histories: {x: number; t_x: number; T: number}[];
}
type Historical = {cohort: Date; group: string; months: number; customers: number; cumulativePerCustomer: number; small: boolean; incomplete: boolean};

type Fits = Pick<GroupFit, "purchases" | "gammaGamma">;
type GroupCheck = Omit<GroupFit, "purchases" | "gammaGamma"> & {by: Breakdown; holdout: ClvFitResult["holdout"]; fits: Fits};

/**
 * clv.json's historical curves: every group's cumulative revenue per customer by monthly cohort, up to maxMonths.
 * A value of the refresh (ResultContext.shared), not of the lane: it reads each customer's months (customerActivity),
 * which the other lane of a refresh makes for its own tables, so computeResults has that lane compute it
 * (lanePrefetch, tables.ts) and this lane makes no copy of those tables.
 */
export function clvHistorical({db, once, shared, config: {minGroupSize}}: ResultContext): Promise<(Historical & {by: string})[]> {
  return shared(`clv historical ${minGroupSize}`, async () => {
    const sources = await customerActivity(db, ["month"], once);
    const historical: (Historical & {by: string})[] = [];
    for (const by of [undefined, ...breakdowns]) {
      const cohorts = await cohortTable(db, {period: "month", by, minCohort: minGroupSize}, sources, once);
      for (const row of await db.all<Historical>(cumulativeRevenueSql({by, minCohort: minGroupSize}, sources, cohorts))) {
        if (row.months <= maxMonths) historical.push({...row, by: by ?? "all"});
      }
    }
    return historical;
  });
}

export async function clv(context: ResultContext): Promise<string> {
  const {db, log, once, config: {minGroupSize, clvMinGroupRepeaters}} = context;
  const started = performance.now();
  let lap = started;
  // What each step took, on the log (quiet in a build unless --verbose).
  const step = (what: string) => {
    const now = performance.now();
    log(`clv: ${what} in ${((now - lap) / 1000).toFixed(1)} s`);
    lap = now;
  };
  const {calibrationEnd, ...bounds} = await once("clv calibration end", () => defaultCalibrationEnd(db));
  const comparison = await clvComparison(db, {unit, calibrationEnd}, once);
  step(`${comparison.models.length} models compared on the holdout`);
  const model = comparison.chosen;
  // Every customer's summary with every breakdown, once for all data (_clv_all) and once up to the calibration end, with a
  // view per breakdown (clvCustomers; the group pages' `metrics clv --by` read them too).
  const view = await clvCustomers(db, calibrationEnd, once);
  step("every customer's summary");
  // The pooled fit `rapport metrics clv --by …` uses too (the group pages): fitted once per refresh, on the summaries
  // just made (it made its own, 2.8 s at a million customers).
  const fit = await pooledClvFit(db, {unit, model, table: view("all")}, once);
  step("pooled fit");
  // A group valued with the pooled fit is checked with the pooled fit up to the calibration end, as `metrics clv --by`
  // checks it (the group pages; computed once for both).
  const pooledCalibration = await calibratedClvFit(db, {unit, table: view("cal"), model, calibrationEnd, binDays: fit.binDays}, once);
  // Per breakdown: each group's own fit (or the pooled one), on all data for the values, and up to the calibration end for the check.
  const groupFits: GroupCheck[] = [];
  for (const by of breakdowns) {
    const checks = await groupChecksOnHoldout(db, {unit, calibrationEnd, table: view("cal", by), model, minRepeaters: clvMinGroupRepeaters, by}, pooledCalibration, once);
    for (const {purchases, gammaGamma, ...g} of await groupFitsOnAllData(db, {unit, table: view("all", by), model, minRepeaters: clvMinGroupRepeaters, by}, fit, once)) {
      groupFits.push({...g, by, holdout: checks.get(g.group) ?? null, fits: {purchases, gammaGamma}});
    }
    step(`${by}: each group's fit and holdout check`);
  }
  const profiles = await readProfiles(db, customerProfileGroupsSql({unit, binDays: fit.binDays}, "_clv_all"));
  step(`${profiles.length} customer profiles read (${profiles.histories.length} distinct histories)`);
  const historical = await clvHistorical(context);

  // Per customer group and fit: CLV = discounted expected purchases × expected spend, and P(alive); the two
  // model figures once per fit and distinct (x, t_x, T).
  const pooled: Fits = {purchases: fit.purchases, gammaGamma: fit.gammaGamma};
  const fitsOf = new Map<string, Fits>(groupFits.filter((g) => g.fit === "own").map((g) => [`${g.by}\t${g.group}`, g.fits]));
  // Per fit, each distinct history's discounted purchases and P(alive), computed when a customer of it is first valued.
  const H = profiles.histories.length;
  const histories = new Map<Fits, {purchases: Float64Array; alive: Float64Array; done: Uint8Array; discounted: (customer: RfmGroup) => number}>();
  let distinct = 0;
  const historyOf = (f: Fits) => {
    let h = histories.get(f);
    if (!h) {
      const discounted = discountedPurchasesOf(f.purchases, {unit, months, discount: monthlyDiscount});
      histories.set(f, (h = {purchases: new Float64Array(H), alive: new Float64Array(H), done: new Uint8Array(H), discounted}));
    }
    return h;
  };
  const clvOf = (i: number, f: Fits) => {
    if (!f.gammaGamma) return NaN;
    const h = historyOf(f);
    const id = profiles.history[i];
    if (!(h.done[id] & 1)) {
      h.purchases[id] = h.discounted(profiles.histories[id]);
      h.done[id] |= 1;
      distinct++;
    }
    return h.purchases[id] * expectedSpend(f.gammaGamma, profiles.x[i], profiles.zbar[i]);
  };
  const aliveOf = (i: number, f: Fits) => {
    const h = historyOf(f);
    const id = profiles.history[i];
    if (!(h.done[id] & 2)) {
      h.alive[id] = probabilityAliveOf(f.purchases, profiles.histories[id]);
      h.done[id] |= 2;
    }
    return h.alive[id];
  };
  // A customer's groups: all customers, then one per breakdown; each with its fit and the sums below, made once per group.
  interface Member {
    by: string;
    group: string;
    fits: Fits;
    /** Whether fits is the pooled fit: the customer's value is then clv[i], computed below. */
    isPooled: boolean;
    totals: Sums;
    cells: Map<number, Sums & {cohort: string}>;
    /** By bin, and by x × recency bin (arrays: both indexes are small). */
    histogram: ({by: string; group: string; bin: number; customers: number} | undefined)[];
    alive: ({by: string; group: string; x: number; recency: number; customers: number; alive: number} | undefined)[];
  }
  const kinds = ["all", ...breakdowns] as const;
  // Per kind, by the group's code in profiles.names (all customers: code 0).
  const members = kinds.map(() => [] as (Member | undefined)[]);
  const clv = new Float64Array(profiles.length);
  for (let i = 0; i < profiles.length; i++) clv[i] = clvOf(i, pooled);

  // Histogram bins, the same for every group: a round width, up to the 99th percentile of all customers, the last bin open.
  const bins = clvBins(profiles.n, clv);
  const binOf = (value: number) => Math.min(Math.floor(value / bins.width), bins.count - 1);
  const recencyOf = (days: number) => recencyEdges.findLastIndex((edge) => days / daysPerMonth >= edge);

  interface Sums {
    by: string;
    group: string;
    customers: number;
    clv: number;
    alive: number;
    oneTime: number;
  }
  // Each list in the order its rows first appear (the page's order); the members' maps only find a row.
  const totals: Sums[] = [];
  const cells: (Sums & {cohort: string})[] = [];
  const histogram: {by: string; group: string; bin: number; customers: number}[] = [];
  const aliveCells: {by: string; group: string; x: number; recency: number; customers: number; alive: number}[] = [];
  const memberOf = (kind: number, code: number): Member => {
    let m = members[kind][code];
    if (!m) {
      const by = kinds[kind];
      const group = kind === 0 ? "all" : profiles.names[kind - 1][code];
      const sums = {by, group, customers: 0, clv: 0, alive: 0, oneTime: 0};
      totals.push(sums);
      const fits = fitsOf.get(`${by}\t${group}`) ?? pooled;
      members[kind][code] = m = {by, group, fits, isPooled: fits === pooled, totals: sums, cells: new Map(), histogram: [], alive: []};
    }
    return m;
  };
  const add = (s: Sums, n: number, value: number, alive: number, oneTime: boolean) => {
    s.customers += n;
    s.clv += n * value;
    s.alive += n * alive;
    if (oneTime) s.oneTime += n;
  };
  // The hot loop (a million profiles × five groups each): no closure or string is made per profile and group, and a
  // customer valued with the pooled fit reuses clv[i] (the same product of the same two figures).
  const isoDates = new Map<number, string>();
  for (let i = 0; i < profiles.length; i++) {
    const cohortKey = profiles.cohort[i];
    let cohort = isoDates.get(cohortKey);
    if (cohort === undefined) isoDates.set(cohortKey, (cohort = isoDate(new Date(cohortKey))));
    const n = profiles.n[i];
    const x = Math.min(profiles.x[i], maxFrequency);
    const recency = recencyOf(profiles.daysSinceLast[i]);
    const aliveIndex = x * recencyEdges.length + recency;
    const oneTime = profiles.x[i] === 0;
    for (let kind = 0; kind < kinds.length; kind++) {
      const m = memberOf(kind, kind === 0 ? 0 : profiles.groups[kind - 1][i]);
      const {by, group} = m;
      const value = m.isPooled ? clv[i] : clvOf(i, m.fits);
      const alive = aliveOf(i, m.fits);
      add(m.totals, n, value, alive, oneTime);
      let c = m.cells.get(cohortKey);
      if (!c) {
        m.cells.set(cohortKey, (c = {by, group, cohort, customers: 0, clv: 0, alive: 0, oneTime: 0}));
        cells.push(c);
      }
      add(c, n, value, alive, oneTime);
      const bin = binOf(value);
      let h = m.histogram[bin];
      if (!h) histogram.push((h = m.histogram[bin] = {by, group, bin, customers: 0}));
      h.customers += n;
      let a = m.alive[aliveIndex];
      if (!a) aliveCells.push((a = m.alive[aliveIndex] = {by, group, x, recency, customers: 0, alive: 0}));
      a.customers += n;
      a.alive += n * alive;
    }
  }

  step("every profile valued and counted");
  const shown = (n: number) => n >= minGroupSize;
  const round = (value: number, digits: number) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
  const publishedGroups = new Set(totals.filter((t) => shown(t.customers)).map((t) => `${t.by}\t${t.group}`));
  const inPublished = (d: {by: string; group: string}) => publishedGroups.has(`${d.by}\t${d.group}`);
  const chosen = comparison.models.find((m) => m.model === comparison.chosen)!;
  const holdout = chosen.holdout;
  const describe = (f: PurchaseFit) => ({
    model: f.model,
    label: modelLabels[f.model],
    parameters: parametersOf(f),
    logLikelihood: f.logLikelihood,
    customers: f.customers,
    iterations: f.iterations,
    status: f.status,
    atBound: f.atBound
  });
  // Gamma-Gamma's q ≤ 2: spend per order has infinite variance across customers (the model's heavy tail), so no spread can be given for it.
  const spend = (g: ClvFitResult["gammaGamma"]) => g && {...g, infiniteVariance: g.q <= 2};

  const page = {
    asOf: isoDate(bounds.last),
    minGroupSize,
    model: {
      unit,
      months,
      monthlyDiscount,
      customers: fit.customers,
      minGroupRepeaters: clvMinGroupRepeaters,
      zeroSpendRepeaters: fit.zeroSpendRepeaters,
      purchases: describe(fit.purchases),
      gammaGamma: spend(fit.gammaGamma)
    },
    // The three purchase models on the holdout; the lowest error was chosen.
    comparison: {
      calibrationEnd: comparison.calibrationEnd,
      weeks: holdout.length,
      sampleEvery: comparison.sampleEvery,
      chosen: comparison.chosen,
      models: comparison.models.map((m) => ({...describe(m.purchases), actual: m.holdout.actual, predicted: m.holdout.predicted, error: m.holdout.error}))
    },
    // Each published group's fit (its own, or the pooled one when it has too few repeat customers) and its holdout check.
    groupFits: groupFits
      .filter((g) => publishedGroups.has(`${g.by}\t${g.group}`))
      .map((g) => ({
        by: g.by,
        group: g.group,
        customers: g.customers,
        repeaters: g.repeaters,
        fit: g.fit,
        purchases: g.fit === "own" ? describe(g.fits.purchases) : null,
        gammaGamma: g.fit === "own" ? spend(g.fits.gammaGamma) : null,
        holdout: g.holdout && shown(g.holdout.byFrequency.reduce((s, r) => s + r.customers, 0)) ? {actual: g.holdout.actual, predicted: g.holdout.predicted} : null
      })),
    // Every group, as `rapport metrics clv --by …` prints it: meanClv12 is its `predicted` figure.
    groups: totals.map((t) =>
      shown(t.customers)
        ? {by: t.by, group: t.group, customers: t.customers, meanClv12: t.clv / t.customers, expectedActive: t.alive, oneTime: t.oneTime, withheld: false}
        : {by: t.by, group: t.group, customers: t.customers, meanClv12: null, expectedActive: null, oneTime: null, withheld: true}
    ),
    // Sums per group and cohort month, for the cohort filter; small cells keep their size only.
    cohorts: cells.filter(inPublished).map((c) =>
      shown(c.customers)
        ? {by: c.by, group: c.group, cohort: c.cohort, customers: c.customers, clv: round(c.clv, 2), alive: round(c.alive, 3), oneTime: c.oneTime}
        : {by: c.by, group: c.group, cohort: c.cohort, customers: c.customers, clv: null, alive: null, oneTime: null}
    ),
    distribution: {
      width: bins.width,
      count: bins.count,
      rows: histogram.filter(inPublished).map((h) => ({...h, customers: shown(h.customers) ? h.customers : null}))
    },
    alive: {
      maxFrequency,
      recencyEdges,
      rows: aliveCells.filter(inPublished).map((c) => ({by: c.by, group: c.group, x: c.x, recency: c.recency, customers: c.customers, alive: shown(c.customers) ? round(c.alive / c.customers, 4) : null}))
    },
    // One row per group and cohort, its cumulative revenue per customer month by month (only the latest month can be unfinished).
    historical: [...groupRows(historical, (h) => `${h.by}\t${h.group}\t${isoDate(h.cohort)}`).values()].map((rows) => ({
      by: rows[0].by,
      group: rows[0].group,
      cohort: isoDate(rows[0].cohort),
      customers: rows[0].customers,
      values: rows[0].small ? null : rows.map((h) => round(h.cumulativePerCustomer, 4)),
      lastIncomplete: rows.at(-1)!.incomplete
    })),
    holdout: {
      calibrationEnd: comparison.calibrationEnd,
      weeks: holdout.length,
      customers: chosen.purchases.customers,
      actual: holdout.actual,
      predicted: holdout.predicted,
      status: chosen.purchases.status,
      byFrequency: holdout.byFrequency.map((r) =>
        shown(r.customers) ? {x: r.x, customers: r.customers, actual: r.actual / r.customers, predicted: r.predicted / r.customers} : {x: r.x, customers: r.customers, actual: null, predicted: null}
      )
    }
  };

  const json = JSON.stringify(page);
  log(`clv: ${profiles.length} customer groups, ${distinct} distinct histories, ${json.length} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return json;
}

/**
 * The profiles query's rows in columns (see Profiles). Its rows go to a temporary table first, so that each
 * breakdown's values are listed once and each profile carries the index of its value (an integer, where a
 * row object took one string per breakdown, and a Date for its cohort: 2.5 s of the 4.2 s this took at a
 * million customers); then they are read a chunk of DuckDB's vectors at a time, in the query's order.
 */
async function readProfiles(db: ResultContext["db"], sql: string): Promise<Profiles> {
  let capacity = 1 << 16;
  const grow = <A extends Float64Array | Int32Array | Uint32Array>(a: A, make: (n: number) => A): A => {
    const b = make(capacity);
    b.set(a);
    return b;
  };
  const p: Profiles = {
    length: 0,
    cohort: new Float64Array(capacity),
    x: new Int32Array(capacity),
    zbar: new Float64Array(capacity),
    daysSinceLast: new Int32Array(capacity),
    n: new Int32Array(capacity),
    history: new Int32Array(capacity),
    groups: breakdowns.map(() => new Uint32Array(capacity)),
    names: breakdowns.map(() => []),
    histories: []
  };
  const table = "_clv_profiles";
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`);
  try {
    const [lists] = await db.all<Record<Breakdown, string[]>>(`SELECT ${breakdowns.map((b) => `list(DISTINCT "${b}" ORDER BY "${b}") AS "${b}"`).join(", ")} FROM ${table}`);
    p.names = breakdowns.map((b) => lists[b] ?? []);
    const code = (b: Breakdown, k: number) => `list_position([${p.names[k].map(literal).join(", ")}]::VARCHAR[], "${b}")::INTEGER - 1`;
    // Per (x, T, t_x): its index in p.histories.
    const historyIds = new Map<number, Map<number, Map<number, number>>>();
    await eachChunk(
      db,
      `SELECT date_diff('day', DATE '1970-01-01', cohort)::INTEGER, x::INTEGER, t_x::DOUBLE, "T"::DOUBLE, zbar::DOUBLE, days_since_last::INTEGER, n::INTEGER, ${breakdowns.map(code).join(", ")} FROM ${table}`,
      (chunk) => {
        const rows = chunk.rowCount;
        if (p.length + rows > capacity) {
          while (p.length + rows > capacity) capacity *= 2;
          p.cohort = grow(p.cohort, (n) => new Float64Array(n));
          p.zbar = grow(p.zbar, (n) => new Float64Array(n));
          for (const k of ["x", "daysSinceLast", "n", "history"] as const) p[k] = grow(p[k], (n) => new Int32Array(n));
          p.groups = p.groups.map((g) => grow(g, (n) => new Uint32Array(n)));
        }
        const [cohort, x, tx, T, zbar, daysSinceLast, n, ...groups] = Array.from({length: chunk.columnCount}, (_, c) => chunk.getColumnVector(c));
        for (let j = 0; j < rows; j++) {
          const i = p.length++;
          p.cohort[i] = (cohort.getItem(j) as number) * 86_400_000;
          const xi = x.getItem(j) as number;
          const ti = tx.getItem(j) as number;
          const Ti = T.getItem(j) as number;
          p.x[i] = xi;
          p.zbar[i] = zbar.getItem(j) as number;
          p.daysSinceLast[i] = daysSinceLast.getItem(j) as number;
          p.n[i] = n.getItem(j) as number;
          let byT = historyIds.get(xi);
          if (!byT) historyIds.set(xi, (byT = new Map()));
          let byTx = byT.get(Ti);
          if (!byTx) byT.set(Ti, (byTx = new Map()));
          let id = byTx.get(ti);
          if (id === undefined) {
            byTx.set(ti, (id = p.histories.length));
            p.histories.push({x: xi, t_x: ti, T: Ti});
          }
          p.history[i] = id;
          for (let k = 0; k < groups.length; k++) {
            const g = groups[k].getItem(j) as number | null;
            if (g === null || g < 0) throw new Error(`clv.json: a customer profile without a ${breakdowns[k]} (expected 'unknown' for a missing one)`);
            p.groups[k][i] = g;
          }
        }
      }
    );
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${table}`);
  }
  return p;
}

function groupRows<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Round bins for per-customer CLV: about 20 of them up to the 99th percentile, the last open-ended (customers weighted by n). */
function clvBins(n: Int32Array, values: Float64Array): {width: number; count: number} {
  const order = [...values.keys()].filter((i) => Number.isFinite(values[i])).sort((a, b) => values[a] - values[b]);
  const total = order.reduce((s, i) => s + n[i], 0);
  let seen = 0;
  let p99 = 0;
  for (const i of order) {
    seen += n[i];
    p99 = values[i];
    if (seen >= 0.99 * total) break;
  }
  const rough = Math.max(p99, 1) / 20;
  const power = 10 ** Math.floor(Math.log10(rough));
  const width = [1, 2, 2.5, 5, 10].map((m) => m * power).find((w) => w >= rough)!;
  return {width, count: Math.ceil(p99 / width) + 1};
}
