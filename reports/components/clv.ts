/**
 * Charts and figures of the Lifetime value page, from the aggregates of
 * reports/data/clv.json.ts. Every figure follows the page's two filters: a
 * group of customers (by, group, as in `rapport metrics clv --by …`) and a
 * range of cohorts (the month of the first order). None of them fetches.
 */
import * as Plot from "npm:@observablehq/plot";
import {fmt} from "./format.js";
import {groupLabel as valueLabel} from "./labels.js";
import type {DateRange, GroupChoice} from "./ui.js";

const money = (value: number) => fmt.money(value);
const monthYear = (d: Date) => fmt.month(d, {short: true});
const count = (x: number) => fmt.number(x);
/** An axis label with the currency's symbol: "Revenue per customer so far (£)". */
const inMoney = (label: string) => (fmt.symbol ? `${label} (${fmt.symbol})` : label);
const breakdownNames: Record<string, string> = {all: "All customers", segment: "Segment", region: "Region", channel: "Channel", plan: "Plan"};

/** A group's label as the Customers filter names it ("Segment: SMB"). */
export function groupLabel({by, group}: GroupChoice): string {
  return by === "all" ? "All customers" : `${breakdownNames[by] ?? by}: ${valueLabel(group)}`;
}

// ----- Historical revenue ---------------------------------------------------

export interface HistoricalCohort {
  by: string;
  group: string;
  cohort: string;
  customers: number;
  /** Cumulative net revenue per customer in months 0, 1, … since the first order; null when the cohort is too small to show. */
  values: number[] | null;
  lastIncomplete: boolean;
}

export interface HistoricalPoint {
  cohort: Date;
  customers: number;
  months: number;
  value: number;
  incomplete: boolean;
}

/** The cohorts of a group within a range, one point per cohort and month (withheld cohorts left out). */
export function historicalPoints(cohorts: readonly HistoricalCohort[], choice: GroupChoice, within: (date: Date) => boolean): HistoricalPoint[] {
  return cohorts
    .filter((c) => c.by === choice.by && c.group === choice.group && c.values && within(new Date(c.cohort)))
    .flatMap((c) => c.values!.map((value, months) => ({cohort: new Date(c.cohort), customers: c.customers, months, value, incomplete: c.lastIncomplete && months === c.values!.length - 1})));
}

/**
 * Cumulative revenue per customer after a number of months (month 0 is the
 * month of the first order, so 11 means the first 12 months), over the
 * cohorts that have completed that month, weighted by their size.
 */
export function revenueAfter(points: readonly HistoricalPoint[], months: number): {value: number; customers: number; cohorts: number} | null {
  const done = points.filter((d) => d.months === months && !d.incomplete);
  const customers = done.reduce((s, d) => s + d.customers, 0);
  return customers ? {value: done.reduce((s, d) => s + d.value * d.customers, 0) / customers, customers, cohorts: done.length} : null;
}

/**
 * Which cohorts the bold average follows, and for how many months: the cohorts that have completed at least
 * `minMonths` + 1 months (12 by default, the same cohorts as the "first 12 months" figure), or every cohort
 * when none has, over the months all of them have completed. A fixed set of cohorts, so the line cannot fall
 * because older, smaller cohorts are the only ones left at the far end (cumulative revenue per customer only
 * falls when refunds outweigh orders).
 */
export function averageScope(points: readonly HistoricalPoint[], {minMonths = 11} = {}): {cohorts: number[]; months: number; customers: number} | null {
  const done = new Map<number, {months: number; customers: number}>();
  for (const d of points) {
    if (d.incomplete) continue;
    const c = done.get(+d.cohort);
    if (!c || d.months > c.months) done.set(+d.cohort, {months: d.months, customers: d.customers});
  }
  if (!done.size) return null;
  const old = [...done].filter(([, c]) => c.months >= minMonths);
  const chosen = old.length ? old : [...done];
  return {cohorts: chosen.map(([t]) => t), months: Math.min(...chosen.map(([, c]) => c.months)), customers: chosen.reduce((s, [, c]) => s + c.customers, 0)};
}

/** The size-weighted average path of the cohorts of averageScope, month by month, over the months all of them have completed. */
export function averagePath(points: readonly HistoricalPoint[], options: {minMonths?: number} = {}): {months: number; value: number; customers: number; cohorts: number}[] {
  const scope = averageScope(points, options);
  if (!scope) return [];
  const included = new Set(scope.cohorts);
  const mine = points.filter((d) => included.has(+d.cohort));
  return Array.from({length: scope.months + 1}, (_, months) => ({months, ...revenueAfter(mine, months)!})).filter((d) => d.customers);
}

/**
 * Cumulative revenue per customer by months since the first order: a thin
 * line per cohort coloured by its year (pass every year so colours stay put
 * when a filter drops some), the average path bold, unfinished months dashed.
 */
export function historicalChart(points: readonly HistoricalPoint[], {width = 640, height = 340, years = undefined as string[] | undefined} = {}) {
  const average = averagePath(points);
  const key = (d: HistoricalPoint) => +d.cohort;
  const year = (d: HistoricalPoint) => String(d.cohort.getUTCFullYear());
  const tip = (d: HistoricalPoint) =>
    `${monthYear(d.cohort)} cohort, ${count(d.customers)} customers\nmonth ${d.months + 1} since the first order: ${money(d.value)} per customer so far` + (d.incomplete ? "\n(month not over yet)" : "");
  const complete = points.filter((d) => !d.incomplete);
  const unfinished = points.filter((d) => points.some((e) => e.incomplete && +e.cohort === +d.cohort && e.months - d.months <= 1));
  return Plot.plot({
    width,
    height,
    marginLeft: 56,
    x: {label: "Months since the first order", domain: [0, Math.max(12, ...points.map((d) => d.months))], tickFormat: (m: number) => String(m + 1)},
    y: {label: inMoney("Revenue per customer so far"), grid: true, tickFormat: money},
    color: {type: "categorical", domain: years, legend: true, label: "Year of the first order"},
    marks: [
      Plot.ruleY([0]),
      Plot.line(complete, {x: "months", y: "value", z: key, stroke: year, strokeWidth: 1, strokeOpacity: 0.55, tip: {anchor: "top"}, title: tip}),
      Plot.line(unfinished, {x: "months", y: "value", z: key, stroke: year, strokeWidth: 1, strokeOpacity: 0.55, strokeDasharray: "3,3", tip: {anchor: "top"}, title: tip}),
      Plot.line(average, {
        x: "months",
        y: "value",
        stroke: "var(--theme-foreground)",
        strokeWidth: 2.5,
        tip: {anchor: "bottom"}, // above the point, so it never covers a cohort's tip below
        title: (d: (typeof average)[number]) => `Average of ${d.cohorts} cohorts (${count(d.customers)} customers)\nfirst ${d.months + 1} months: ${money(d.value)} per customer`
      })
    ],
    ariaLabel: "Cumulative revenue per customer by months since the first order, one line per cohort",
    ariaDescription: "A thin line per monthly cohort coloured by the year it started, the bold line the cohorts' average weighted by size; unfinished months dashed."
  });
}

// ----- Predicted CLV ----------------------------------------------------------

export interface GroupTotal {
  by: string;
  group: string;
  customers: number;
  meanClv12: number | null;
  expectedActive: number | null;
  oneTime: number | null;
  withheld: boolean;
}

export interface CohortSums {
  by: string;
  group: string;
  cohort: string;
  customers: number;
  clv: number | null;
  alive: number | null;
  oneTime: number | null;
}

export interface Predicted {
  customers: number;
  meanClv12: number;
  expectedActive: number;
  oneTime: number;
  /** Customers of the range left out because their cohort is too small to show. */
  leftOut: number;
}

/**
 * The predicted figures of a group over a range of cohorts. Over the whole
 * range they are the group's totals, `rapport metrics clv --by …`'s figures;
 * over part of it, the sums of the cohorts in the range, less the cohorts too
 * small to show.
 */
export function predictedFor(groups: readonly GroupTotal[], cohorts: readonly CohortSums[], choice: GroupChoice, range: DateRange | null, allCohorts: readonly Date[]): Predicted | null {
  const total = groups.find((g) => g.by === choice.by && g.group === choice.group);
  if (!total || total.withheld) return null;
  const first = Math.min(...allCohorts.map(Number));
  const last = Math.max(...allCohorts.map(Number));
  // Cohorts are months: a range that starts inside the first cohort's month (the first order's day, by
  // default) still holds all of that cohort, as inRange(range, {period: "month"}) keeps it on the page.
  const monthEnd = (t: number) => {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
  };
  if (!range || (+range.from <= monthEnd(first) && +range.to >= last)) {
    return {customers: total.customers, meanClv12: total.meanClv12!, expectedActive: total.expectedActive!, oneTime: total.oneTime!, leftOut: 0};
  }
  const within = (c: CohortSums) => {
    const t = +new Date(c.cohort);
    return monthEnd(t) >= +range.from && t <= +range.to + 86_400_000 - 1;
  };
  const rows = cohorts.filter((c) => c.by === choice.by && c.group === choice.group && within(c));
  const shown = rows.filter((c) => c.clv !== null);
  const customers = shown.reduce((s, c) => s + c.customers, 0);
  if (!customers) return null;
  return {
    customers,
    meanClv12: shown.reduce((s, c) => s + c.clv!, 0) / customers,
    expectedActive: shown.reduce((s, c) => s + c.alive!, 0),
    oneTime: shown.reduce((s, c) => s + c.oneTime!, 0),
    leftOut: rows.reduce((s, c) => s + c.customers, 0) - customers
  };
}

export interface GroupBar {
  label: string;
  breakdown: string;
  customers: number;
  meanClv12: number;
  selected: boolean;
}

/** Mean 12-month CLV of every group, a bar each, the chosen group highlighted, all customers as a rule. */
export function clvByGroupChart(bars: readonly GroupBar[], overall: number | null, {width = 640} = {}) {
  const anySelected = bars.some((d) => d.selected);
  return Plot.plot({
    width,
    height: 24 * bars.length + 60,
    marginLeft: Math.min(width * 0.5, 12 + 6.5 * Math.max(0, ...bars.map((d) => d.label.length))),
    x: {label: inMoney("Predicted value per customer, next 12 months"), grid: true, tickFormat: money},
    y: {label: null, domain: bars.map((d) => d.label)},
    marks: [
      Plot.barX(bars, {
        y: "label",
        x: "meanClv12",
        fill: "var(--theme-foreground-focus)",
        fillOpacity: (d: GroupBar) => (d.selected || !anySelected ? 1 : 0.35),
        tip: true,
        title: (d: GroupBar) => `${d.label}\n${money(d.meanClv12)} per customer over the next 12 months\n${count(d.customers)} customers`
      }),
      Plot.ruleX([0]),
      overall == null
        ? null
        : Plot.ruleX([overall], {stroke: "currentColor", strokeDasharray: "4,3", tip: true, title: () => `All customers: ${money(overall)} per customer`})
    ],
    ariaLabel: "Predicted 12-month value per customer by segment, region, channel and plan",
    ariaDescription: "One bar per group; the chosen group highlighted; the dashed rule is the average over all customers."
  });
}

export interface HistogramRow {
  bin: number;
  customers: number | null;
}

/** Customers by predicted 12-month value, in round bins (the last one open-ended); bins of too few customers are marked, not drawn. */
export function clvHistogram(rows: readonly HistogramRow[], {width: binWidth, count}: {width: number; count: number}, {width = 640, height = 280} = {}) {
  const total = rows.reduce((s, d) => s + (d.customers ?? 0), 0);
  const label = (bin: number) => (bin === count - 1 ? `${money(bin * binWidth)} or more` : `${money(bin * binWidth)} to ${money((bin + 1) * binWidth)}`);
  const shown = rows.filter((d) => d.customers !== null);
  const withheld = rows.filter((d) => d.customers === null);
  return Plot.plot({
    width,
    height,
    marginLeft: 56,
    // Ticks at band edges only, the open last band's start marked "+" once (not "$600+" and "$650+").
    x: {
      label: inMoney("Predicted value over the next 12 months"),
      domain: [0, count * binWidth],
      ticks: Array.from({length: count}, (_, i) => i * binWidth).filter((_, i, all) => i === all.length - 1 || i % Math.max(1, Math.ceil(count / Math.max(2, Math.floor(width / 70)))) === 0),
      tickFormat: (v: number) => (v === (count - 1) * binWidth && v > 0 ? `${money(v)}+` : money(v))
    },
    y: {label: "Customers", grid: true},
    marks: [
      Plot.rectY(shown, {
        x1: (d: HistogramRow) => d.bin * binWidth,
        x2: (d: HistogramRow) => (d.bin + 1) * binWidth,
        y: "customers",
        inset: 1,
        fill: "var(--theme-foreground-focus)",
        fillOpacity: (d: HistogramRow) => (d.bin === count - 1 ? 0.6 : 1),
        tip: true,
        title: (d: HistogramRow) => `${label(d.bin)}\n${fmt.number(d.customers!)} customers (${fmt.percent(d.customers! / total)} of those shown)`
      }),
      Plot.dot(withheld, {
        x: (d: HistogramRow) => (d.bin + 0.5) * binWidth,
        y: 0,
        symbol: "times",
        r: 3,
        stroke: "var(--theme-foreground-muted)",
        tip: true,
        title: (d: HistogramRow) => `${label(d.bin)}\nfewer than the minimum group size: not shown`
      }),
      Plot.ruleY([0])
    ],
    ariaLabel: "Histogram of customers by predicted 12-month value",
    ariaDescription: "Bars count customers in each value band; the last band is open-ended; small grey crosses on the axis are bands with too few customers to show."
  });
}

// ----- Probability alive ----------------------------------------------------

export interface AliveCell {
  x: number;
  recency: number;
  customers: number;
  alive: number | null;
}

/**
 * The observed customers' mean probability of still being active, by repeat
 * purchases (rows, the last one "or more") and months since the last purchase
 * (columns, in bins); cells of too few customers grey. One-time buyers (row 0)
 * are shown only with oneTime: under BG/NBD they are all active by
 * construction, so the row would say nothing.
 */
export function aliveHeatmap(cells: readonly AliveCell[], {recencyEdges, maxFrequency}: {recencyEdges: number[]; maxFrequency: number}, {width = 640, oneTime = false} = {}) {
  const columns = recencyEdges.map((edge, i) => (i === recencyEdges.length - 1 ? `${edge}+` : edge === 0 ? `<${recencyEdges[1]}` : `${edge}–${recencyEdges[i + 1]}`));
  const rowLabel = (x: number) => (x === maxFrequency ? `${x}+` : String(x));
  const first = oneTime ? 0 : 1;
  const rows = Array.from({length: maxFrequency + 1 - first}, (_, i) => rowLabel(i + first));
  const shown = cells.filter((d) => d.x >= first);
  const text = width >= 520;
  return Plot.plot({
    width,
    height: 26 * rows.length + 110,
    marginLeft: 50,
    marginBottom: text ? 40 : 56,
    padding: 0.04,
    x: {label: "Months since the last purchase", domain: columns, axis: "bottom", tickRotate: text ? 0 : -45},
    y: {label: "Repeat purchases", domain: rows},
    color: {type: "linear", scheme: "viridis", domain: [0, 1], legend: true, label: "Chance of still being a customer", tickFormat: "%"},
    marks: [
      Plot.cell(shown, {
        x: (d: AliveCell) => columns[d.recency],
        y: (d: AliveCell) => rowLabel(d.x),
        fill: (d: AliveCell) => d.alive,
        inset: 0.5,
        tip: true,
        title: (d: AliveCell) =>
          `${rowLabel(d.x)} repeat purchases, last one ${columns[d.recency]} months ago\n` +
          (d.alive === null ? `fewer customers than the minimum group size: not shown` : `${count(d.customers)} customers, on average ${fmt.percent(d.alive, {digits: 0})} likely still active`)
      }),
      Plot.cell(
        shown.filter((d) => d.alive === null),
        {x: (d: AliveCell) => columns[d.recency], y: (d: AliveCell) => rowLabel(d.x), fill: "var(--theme-foreground-faint)", fillOpacity: 0.35, inset: 0.5}
      ),
      text
        ? Plot.text(
            shown.filter((d) => d.alive !== null),
            {x: (d: AliveCell) => columns[d.recency], y: (d: AliveCell) => rowLabel(d.x), text: (d: AliveCell) => fmt.percent(d.alive!, {digits: 0}), fill: (d: AliveCell) => (d.alive! > 0.6 ? "black" : "white"), fontSize: 10}
          )
        : null
    ],
    ariaLabel: "Heatmap of the chance a customer is still active, by repeat purchases and months since the last purchase",
    ariaDescription: "Observed customers' average; grey cells have too few customers to show."
  });
}

// ----- Holdout check ----------------------------------------------------------

export interface HoldoutRow {
  x: number;
  customers: number;
  actual: number | null;
  predicted: number | null;
}

/** Predicted against actual purchases per customer in the holdout weeks, by repeat purchases before them (7 stands for 7 or more). */
export function holdoutChart(rows: readonly HoldoutRow[], {weeks}: {weeks: number}, {width = 640, height = 300} = {}) {
  const shown = rows.filter((d) => d.actual !== null);
  const label = (x: number) => (x === 7 ? "7+" : String(x));
  const long = shown.flatMap((d) => [
    {x: d.x, customers: d.customers, series: "Actual", value: d.actual!},
    {x: d.x, customers: d.customers, series: "Predicted", value: d.predicted!}
  ]);
  type Point = (typeof long)[number];
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {label: "Repeat purchases before the holdout", ticks: shown.map((d) => d.x), tickFormat: label},
    y: {label: `Purchases per customer in the ${weeks} weeks after`, grid: true},
    color: {legend: true, domain: ["Actual", "Predicted"], range: ["var(--theme-foreground-focus)", "#e15759"]},
    marks: [
      Plot.ruleY([0]),
      Plot.line(long.filter((d) => d.series === "Actual"), {x: "x", y: "value", stroke: "series"}),
      Plot.line(long.filter((d) => d.series === "Predicted"), {x: "x", y: "value", stroke: "series", strokeDasharray: "5,3"}),
      Plot.dot(long, {
        x: "x",
        y: "value",
        fill: "series",
        r: 4,
        tip: true,
        title: (d: Point) => `${label(d.x)} repeat purchases before (${count(d.customers)} customers)\n${d.series}: ${fmt.number(d.value, {digits: 2})} purchases per customer`
      })
    ],
    ariaLabel: "Predicted against actual purchases per customer in the holdout period, by repeat purchases before it",
    ariaDescription: "Two lines: actual purchases (solid) and the model's prediction (dashed)."
  });
}

// ----- Model choice -------------------------------------------------------------

export interface ModelResult {
  model: string;
  label: string;
  predicted: number;
  actual: number;
  error: number;
  status: "converged" | "at-bound" | "iteration-limit";
}

/**
 * Predicted repeat purchases in the holdout weeks per purchase model, against
 * the actual count (the rule); the chosen model (lowest error) in the accent
 * colour.
 */
export function modelComparisonChart(models: readonly ModelResult[], chosen: string, {width = 640} = {}) {
  const actual = models[0]?.actual ?? 0;
  return Plot.plot({
    width,
    height: 40 * models.length + 60,
    marginLeft: 90,
    marginRight: 20,
    x: {label: "Repeat purchases in the holdout weeks", grid: true, nice: true},
    y: {label: null, domain: models.map((m) => m.label)},
    marks: [
      Plot.barX(models, {
        x: "predicted",
        y: "label",
        fill: (m: ModelResult) => (m.model === chosen ? "var(--theme-foreground-focus)" : "var(--theme-foreground-faint)"),
        tip: true,
        title: (m: ModelResult) =>
          `${m.label}${m.model === chosen ? " (chosen)" : ""}: predicted ${count(m.predicted)}, actual ${count(actual)}\n` +
          `${fmt.percent(m.error, {digits: 0})} of the purchases in the wrong place${m.status === "converged" ? "" : `; the fit ${m.status === "at-bound" ? "ended on a parameter bound" : "stopped at its iteration limit"}`}`
      }),
      Plot.ruleX([0]),
      Plot.ruleX([actual], {stroke: "#e15759", strokeWidth: 2}),
      Plot.text([actual], {x: (d: number) => d, frameAnchor: "top", dy: -2, text: () => "actual", fill: "#e15759", textAnchor: "start", dx: 4, lineAnchor: "bottom"})
    ],
    ariaLabel: "Predicted repeat purchases in the holdout period for each model, against the actual count",
    ariaDescription: "One bar per model; the red rule is what customers actually bought."
  });
}

/**
 * How far the model behind an expected value was off when checked on the data's last weeks (the holdout:
 * fitted on the orders before, it forecast the repeat purchases of those weeks), in words for the value's
 * card: "checked on the last 39 weeks, its forecast of repeat purchases was 19% too high (54,657 forecast,
 * 45,891 made, 14,276 sampled customers)"; the error is against the purchases made. check: clv.json's holdout, or a group fit's; empty without one.
 */
export function holdoutSentence(check: {predicted: number; actual: number; customers?: number} | null | undefined, weeks: number): string {
  if (!check || !(check.actual > 0)) return "";
  // Against what was made, as a reader works it out from the two counts (226 forecast, 157 made: 44% too high).
  const error = check.predicted / check.actual - 1;
  const off = Math.abs(error) < 0.005 ? "was right to within 1%" : `was ${fmt.percent(Math.abs(error), {digits: 0})} too ${error > 0 ? "high" : "low"}`;
  const sample = check.customers ? `, ${fmt.number(check.customers)} sampled customers` : "";
  return `checked on the last ${weeks} weeks, its forecast of repeat purchases ${off} (${fmt.number(check.predicted)} forecast, ${fmt.number(check.actual)} made${sample})`;
}

/** Plain-words status of a fit, for a page. */
export function fitStatusText(status: ModelResult["status"], atBound: readonly string[] = []): string {
  switch (status) {
    case "converged":
      return "settled";
    case "at-bound":
      return `ended on a parameter bound (${atBound.join(", ")}): the data show almost no customers leaving or almost no difference between them, and the model degenerates there`;
    case "iteration-limit":
      return "stopped at its iteration limit before it settled";
    default:
      throw new Error(`invalid status: ${status}`);
  }
}
