import * as Plot from "npm:@observablehq/plot";

export interface CohortCell {
  cohort: Date;
  k: number;
  /** The cohort's size; null when the cohort is withheld (small). */
  customers: number | null;
  rate: number | null;
  /** Share who ordered in period k or the periods after it up to retentionWindow (src/metrics/retention.ts); null until that window is over. */
  windowRate: number | null;
  revenueRate: number | null;
  incomplete: boolean;
  small: boolean;
}

/** Whether the reader's page is dark (the site follows the system's colour scheme). */
function dark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

export type CohortMetric = "rate" | "windowRate" | "revenueRate";

/** The periods windowed retention spans, as src/metrics/retention.ts's retentionWindow (pages cannot import from src/). */
export const retentionWindow: Record<string, number> = {week: 4, month: 3, quarter: 2};

/** The measure's name; windowed retention names its span ("in the period or the 2 months after"). */
export function metricLabel(metric: CohortMetric, period = "month"): string {
  if (metric === "rate") return "Customers who ordered in the period";
  if (metric === "revenueRate") return "Revenue against the first period";
  const after = retentionWindow[period] - 1;
  return `Customers who ordered in the period or the ${after === 1 ? "" : `${after} `}${period}${after === 1 ? "" : "s"} after`;
}

/**
 * The cohort triangle as a heatmap: a row per cohort (newest at the bottom), a
 * column per period since the first order, coloured by metric. Periods not
 * over yet are drawn hatched and faded so they never read as a drop; cohorts
 * too small to show are grey. A tooltip on every cell.
 */
export function cohortHeatmap(rows: readonly CohortCell[], {width = 640, metric = "rate" as CohortMetric, period = "month"} = {}) {
  const cohorts = new Set(rows.map((d) => +d.cohort)).size;
  const maxK = rows.reduce((m, d) => Math.max(m, d.k), 0);
  const every = Math.max(1, Math.ceil((maxK + 1) * 18 / Math.max(1, width - 80))); // a label every ~18 px
  const format = (d: Date) =>
    period === "week" ? d.toISOString().slice(0, 10) : period === "quarter" ? `${d.getUTCFullYear()} Q${Math.floor(d.getUTCMonth() / 3) + 1}` : d.toLocaleDateString("en", {month: "short", year: "numeric", timeZone: "UTC"});
  return Plot.plot({
    width,
    height: Math.max(200, Math.min(16 * cohorts, 1400)) + 60,
    marginLeft: 80,
    padding: 0.04,
    x: {label: `${period[0].toUpperCase()}${period.slice(1)}s since the first order`, axis: "top", tickFormat: (k: number) => (k % every ? "" : String(k))},
    y: {label: "Cohort", tickFormat: format, type: "band"},
    // On a dark page the scale runs from dark to light, so strong cells stand out and empty ones recede.
    color: {type: "linear", scheme: "blues", reverse: dark(), domain: metric === "revenueRate" ? [0, 1] : [0, metric === "windowRate" ? 0.8 : 0.6], clamp: true, legend: true, label: metricLabel(metric, period), tickFormat: "%"},
    marks: [
      Plot.cell(rows, {x: "k", y: "cohort", fill: (d: CohortCell) => (d.small ? null : d[metric]), fillOpacity: (d: CohortCell) => (d.incomplete ? 0.35 : 1), inset: 0.5}),
      Plot.cell(rows.filter((d) => d.small), {x: "k", y: "cohort", fill: "var(--theme-foreground-faintest)", inset: 0.5}),
      Plot.cell(rows.filter((d) => d.incomplete), {x: "k", y: "cohort", stroke: "currentColor", strokeDasharray: "2,2", strokeOpacity: 0.5, inset: 1}),
      Plot.tip(
        rows,
        Plot.pointer({
          x: "k",
          y: "cohort",
          title: (d: CohortCell) =>
            (d.small
              ? `${format(d.cohort)} cohort: too few customers to show`
              : `${format(d.cohort)} cohort, ${d.customers!.toLocaleString("en")} customers\n${period} ${d.k}: ${d[metric] == null ? `not over yet: the ${retentionWindow[period]} ${period}s are compared only once they are all over` : `${(d[metric]! * 100).toFixed(1)}%`}`) +
            (d.incomplete ? "\n(period not over yet)" : "")
        })
      )
    ],
    ariaLabel: `Cohort retention heatmap: ${metricLabel(metric, period).toLowerCase()}, by cohort and ${period}s since the first order`
  });
}

/** Retention curves: one line per cohort (the latest `cohorts`), the unfinished periods dashed. */
export function retentionCurves(rows: readonly CohortCell[], {width = 640, metric = "rate" as CohortMetric, cohorts = 6, period = "month"} = {}) {
  const latest = [...new Set(rows.filter((d) => !d.small).map((d) => +d.cohort))].sort((a, b) => a - b).slice(-cohorts - 1, -1);
  const shown = rows.filter((d) => latest.includes(+d.cohort) && d[metric] != null);
  const label = (d: CohortCell) =>
    period === "week"
      ? `week of ${d.cohort.toLocaleDateString("en", {month: "short", day: "numeric", year: "numeric", timeZone: "UTC"})}`
      : period === "quarter"
        ? `Q${Math.floor(d.cohort.getUTCMonth() / 3) + 1} ${d.cohort.getUTCFullYear()}`
        : d.cohort.toLocaleDateString("en", {month: "short", year: "numeric", timeZone: "UTC"});
  return Plot.plot({
    width,
    height: 300,
    x: {label: "Periods since the first order", interval: 1, tickFormat: "d"},
    y: {label: metricLabel(metric, period), tickFormat: "%", grid: true},
    color: {legend: true, label: "Cohort (first period)", type: "ordinal", scheme: "tableau10"},
    marks: [
      Plot.line(shown.filter((d) => !d.incomplete), {x: "k", y: metric, stroke: label}),
      Plot.line(shown, {x: "k", y: metric, stroke: label, strokeDasharray: "3,3", strokeOpacity: 0.5}),
      Plot.dot(shown, {x: "k", y: metric, fill: label, r: 2, tip: true, title: (d: CohortCell) => `${label(d)} cohort, ${(d.customers ?? 0).toLocaleString("en")} customers\nperiod ${d.k}: ${((d[metric] ?? 0) * 100).toFixed(1)}%${d.incomplete ? "\n(period not over yet)" : ""}`}),
      Plot.ruleY([0])
    ],
    ariaLabel: "Retention curves of the latest cohorts"
  });
}

export interface GroupCurvePoint {
  group: string;
  k: number;
  customers: number;
  rate: number;
}

/** Retention curves of groups (segments, say): each point pools the complete cells of every cohort in the group. */
export function groupCurves(rows: readonly GroupCurvePoint[], {width = 640, label = "Group", metricLabel: yLabel = "Customers who ordered in the period"} = {}) {
  return Plot.plot({
    width,
    height: 300,
    x: {label: "Periods since the first order", interval: 1, tickFormat: "d"},
    y: {label: yLabel, tickFormat: "%", grid: true},
    color: {legend: true, label, type: "ordinal", scheme: "tableau10"},
    marks: [
      Plot.line(rows, {x: "k", y: "rate", stroke: "group"}),
      Plot.dot(rows, {x: "k", y: "rate", fill: "group", r: 2, tip: true, title: (d: GroupCurvePoint) => `${label}: ${d.group}\nperiod ${d.k}: ${(d.rate * 100).toFixed(1)}%\nover ${d.customers.toLocaleString("en")} customers`}),
      Plot.ruleY([0])
    ],
    ariaLabel: `Retention curves by ${label.toLowerCase()}`
  });
}

/** One value per period over time as a line with dots, the unfinished last period dashed, a tooltip on every dot. */
export function periodTrend(
  rows: readonly {period: Date; value: number; count: number; incomplete?: boolean}[],
  {width = 640, height = 240, label = "", countLabel = "customers", format = (d: Date) => d.toISOString().slice(0, 10)}: {width?: number; height?: number; label?: string; countLabel?: string; format?: (d: Date) => string} = {}
) {
  const complete = rows.filter((d) => !d.incomplete);
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label, tickFormat: "%", grid: true, domain: [0, Math.max(0.05, ...rows.map((d) => d.value))], nice: true},
    marks: [
      Plot.lineY(complete, {x: "period", y: "value", stroke: "var(--theme-foreground-focus)"}),
      Plot.lineY(rows.slice(-2).filter(() => rows.at(-1)?.incomplete), {x: "period", y: "value", stroke: "var(--theme-foreground-focus)", strokeDasharray: "4,3"}),
      Plot.dot(rows, {x: "period", y: "value", r: 2.5, fill: "var(--theme-foreground-focus)", tip: true, title: (d: {period: Date; value: number; count: number; incomplete?: boolean}) => `${format(d.period)}: ${(d.value * 100).toFixed(1)}%\nof ${d.count.toLocaleString("en")} ${countLabel}${d.incomplete ? "\n(not over yet)" : ""}`}),
      Plot.ruleY([0])
    ],
    ariaLabel: label
  });
}
