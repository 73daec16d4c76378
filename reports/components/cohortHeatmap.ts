import * as Plot from "npm:@observablehq/plot";
import {html} from "npm:htl";
import {fmt} from "./format.js";
import {groupLabel} from "./labels.js";

export interface CohortCell {
  cohort: Date;
  k: number;
  /** The cohort's size; null when the cohort is withheld (small). */
  customers: number | null;
  rate: number | null;
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

const labels = {rate: metricLabel("rate"), windowRate: metricLabel("windowRate"), revenueRate: metricLabel("revenueRate")};

/** A cohort's name as its rows and legends show it: "Oct 2026", "2026 Q4", "week of 5 Oct 2026". */
export function cohortName(d: Date, period: string): string {
  if (period === "week") return `week of ${fmt.date(d)}`;
  if (period === "quarter") return `${d.getUTCFullYear()} Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
  return fmt.month(d, {short: true});
}

/** The most cohorts (rows) the triangle draws; more (157 weekly cohorts) would overlap, so the latest are shown. */
export const maxTriangleRows = 40;

/**
 * The narrowest cell that still holds its value ("100%", "8.6%" at 9 px), in pixels. The triangle fills
 * its card and its cells grow with it; only when even cells this narrow do not fit (weekly cohorts, a
 * phone) does it keep this width and scroll sideways inside the card. 22 px lets the 36 months of the
 * sample fit a laptop's card (1366 px screen: 964 px to draw in), where 25 px ran 61 px past its edge.
 */
export const minCellWidth = 22;
/** Plot's right margin under the triangle, in pixels. */
const marginRight = 20;

/**
 * The top of the colour scale: the 95th percentile of the cells after the first period (the first is 100% by
 * definition for the customer measures), so the 5–15% cells most triangles are made of get visible colour; the
 * few above it take the darkest colour (and their number says how high they are). At least 5%, at most 100%.
 */
export function colourTop(rows: readonly CohortCell[], metric: CohortMetric): number {
  const values = rows.filter((d) => d.k > 0 && !d.small && d[metric] != null).map((d) => d[metric]!).sort((a, b) => a - b);
  if (!values.length) return 1;
  const q = values[Math.min(values.length - 1, Math.floor(0.95 * (values.length - 1)))];
  return Math.min(1, Math.max(0.05, q));
}

/** A cell's value as its number reads: "100%", "12%", "4.5%" (one decimal under 10%), "—" when withheld. */
export function cellText(value: number | null | undefined): string {
  if (value == null) return "—";
  return fmt.percent(value, {digits: value < 0.1 && value > 0 ? 1 : 0});
}

/**
 * The cohort triangle as a heatmap: a row per cohort (newest at the bottom) with its size in the first
 * column ("Size", customers), a column per period since the first order, each cell coloured and labelled with
 * its value. The colour scale tops out at the data's 95th percentile (colourTop), so low cells are not
 * white. At most maxTriangleRows cohorts (the latest); the chart fills its card, at least minCellWidth a column, and scrolls
 * sideways inside its card on narrow screens rather than hiding the numbers. Periods not over yet are
 * hatched and faded so they never read as a drop; cohorts too small to show are grey. A tooltip on every cell.
 */
export function cohortHeatmap(allRows: readonly CohortCell[], {width = 640, metric = "rate" as CohortMetric, period = "month"} = {}) {
  const cohortDates = [...new Set(allRows.map((d) => +d.cohort))].sort((a, b) => a - b);
  const kept = new Set(cohortDates.slice(-maxTriangleRows));
  const rows = allRows.filter((d) => kept.has(+d.cohort));
  const maxK = rows.reduce((m, d) => Math.max(m, d.k), 0);
  const sizes = rows.filter((d) => d.k === 0);
  const sizeText = (d: CohortCell) => (d.small || d.customers == null ? "few" : fmt.number(d.customers));
  // The sizes sit in the left margin, between the cohorts' names and the first column, as wide as the longest
  // ("245,318" at a million customers; a cell is about 23 pixels): a column of the grid would be too narrow.
  const sizeWidth = Math.max(28, 6.5 * Math.max(4, ...sizes.map((d) => sizeText(d).length)) + 8);
  const marginLeft = (period === "week" ? 130 : 72) + sizeWidth; // "Nov 2023" and its tick; a week's cohort names its day
  const plotWidth = Math.max(width, marginLeft + marginRight + (maxK + 1) * minCellWidth);
  const cellWidth = (plotWidth - marginLeft - marginRight) / (maxK + 1); // a column per period
  const top = colourTop(rows, metric);
  const isDark = dark();
  const format = (d: Date) => cohortName(d, period).replace(/^week of /, "");
  // Text that reads on its cell: light on the strong end of the scale (dark blue), dark elsewhere; the scale runs the other way in dark mode.
  const ink = (d: CohortCell) => {
    if (d.small || d.incomplete || d[metric] == null) return "currentColor";
    const t = Math.min(1, d[metric]! / top);
    return isDark ? (t > 0.5 ? "#111" : "#fff") : t > 0.55 ? "#fff" : "#222";
  };
  const plot = Plot.plot({
    width: plotWidth,
    // Full size, scrolling inside the card (.rapport-scroll), rather than shrunk to the screen with unreadable numbers.
    style: {maxWidth: "none"},
    height: Math.max(120, 18 * kept.size) + 70,
    marginLeft,
    marginRight,
    padding: 0.04,
    x: {label: `${period[0].toUpperCase()}${period.slice(1)}s since the first order →`, axis: "top", domain: Array.from({length: maxK + 1}, (_, k) => k)},
    y: {label: "Cohort", tickFormat: format, type: "band", tickSize: 0, tickPadding: sizeWidth + 4},
    // On a dark page the scale runs from dark to light, so strong cells stand out and empty ones recede.
    color: {type: "linear", scheme: "blues", reverse: isDark, domain: [0, top], clamp: true, legend: true, label: `${metricLabel(metric, period)}; darkest: ${cellText(top)} or more`, tickFormat: (x: number) => cellText(x)},
    marks: [
      Plot.cell(rows, {x: "k", y: "cohort", fill: (d: CohortCell) => (d.small ? null : d[metric]), fillOpacity: (d: CohortCell) => (d.incomplete ? 0.35 : 1), inset: 0.5}),
      Plot.cell(rows.filter((d) => d.small), {x: "k", y: "cohort", fill: "var(--theme-foreground-faintest)", inset: 0.5}),
      Plot.cell(rows.filter((d) => d.incomplete), {x: "k", y: "cohort", stroke: "currentColor", strokeDasharray: "2,2", strokeOpacity: 0.5, inset: 1}),
      Plot.text(rows.filter((d) => !d.small && d[metric] != null), {x: "k", y: "cohort", text: (d: CohortCell) => cellText(d[metric]), fill: ink, fontSize: cellWidth < 25 ? 8.5 : 9, className: "rapport-cell-value"}),
      Plot.text(sizes, {y: "cohort", frameAnchor: "left", text: sizeText, fill: "currentColor", fontSize: 10, textAnchor: "end", dx: -4, className: "rapport-cohort-size"}),
      Plot.text(["Size"], {frameAnchor: "top-left", textAnchor: "end", lineAnchor: "bottom", dx: -4, dy: -9, fontSize: 10, fill: "currentColor", className: "rapport-cohort-size-head"}),
      Plot.tip(
        rows,
        Plot.pointer({
          x: "k",
          y: "cohort",
          title: (d: CohortCell) =>
            (d.small
              ? `${cohortName(d.cohort, period)} cohort: too few customers to show`
              : `${cohortName(d.cohort, period)} cohort, ${fmt.number(d.customers!)} customers\n${period} ${d.k} after the first: ${d[metric] == null && metric === "windowRate" ? `not over yet: the ${retentionWindow[period]} ${period}s are compared only once they are all over` : cellText(d[metric])}`) +
            (d.incomplete ? "\n(period not over yet)" : "")
        })
      )
    ],
    ariaLabel: `Cohort retention heatmap: ${metricLabel(metric, period).toLowerCase()}, by cohort and ${period}s since the first order, with each cohort's size`
  });
  const note = cohortDates.length > kept.size ? html`<p class="rapport-note" data-triangle-note>Showing the latest ${kept.size} of ${cohortDates.length} ${period}ly cohorts; narrow the range of first orders to see earlier ones.</p>` : "";
  // Too wide for the card (weekly cohorts, a phone): it scrolls inside the card, and says so, as the later columns are out of sight.
  const scroll = plotWidth > width + 1 ? html`<p class="rapport-note" data-triangle-scroll>Scroll sideways for later ${period}s →</p>` : "";
  return html`<div class="rapport-triangle" data-cohorts=${kept.size}>${note}${scroll}<div class="rapport-scroll">${plot}</div></div>`;
}

/** Retention curves: one line per cohort (the latest `cohorts`), the unfinished periods dashed. */
export function retentionCurves(rows: readonly CohortCell[], {width = 640, metric = "rate" as CohortMetric, cohorts = 6, period = "month"} = {}) {
  const latest = [...new Set(rows.filter((d) => !d.small).map((d) => +d.cohort))].sort((a, b) => a - b).slice(-cohorts - 1, -1);
  const shown = rows.filter((d) => latest.includes(+d.cohort) && d[metric] != null);
  const label = (d: CohortCell) => cohortName(d.cohort, period);
  // The legend in time order, not alphabetical ("Apr" before "Jan").
  const domain = latest.map((t) => cohortName(new Date(t), period));
  return Plot.plot({
    width,
    height: 300,
    x: {label: "Periods since the first order", interval: 1, tickFormat: "d"},
    y: {label: metricLabel(metric, period), tickFormat: "%", grid: true},
    color: {legend: true, label: "Cohort (first period)", type: "ordinal", scheme: "tableau10", domain},
    marks: [
      Plot.line(shown.filter((d) => !d.incomplete), {x: "k", y: metric, stroke: label}),
      Plot.line(shown, {x: "k", y: metric, stroke: label, strokeDasharray: "3,3", strokeOpacity: 0.5}),
      Plot.dot(shown, {x: "k", y: metric, fill: label, r: 2, tip: true, title: (d: CohortCell) => `${label(d)} cohort, ${fmt.number(d.customers ?? 0)} customers\nperiod ${d.k}: ${fmt.percent(d[metric] ?? 0)}${d.incomplete ? "\n(period not over yet)" : ""}`}),
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
export function groupCurves(rows: readonly GroupCurvePoint[], {width = 640, label = "Group", metricLabel = labels.rate} = {}) {
  return Plot.plot({
    width,
    height: 300,
    x: {label: "Periods since the first order", interval: 1, tickFormat: "d"},
    y: {label: metricLabel, tickFormat: "%", grid: true},
    color: {legend: true, label, type: "ordinal", scheme: "tableau10", tickFormat: groupLabel},
    marks: [
      Plot.line(rows, {x: "k", y: "rate", stroke: "group"}),
      Plot.dot(rows, {x: "k", y: "rate", fill: "group", r: 2, tip: true, title: (d: GroupCurvePoint) => `${label}: ${groupLabel(d.group)}\nperiod ${d.k}: ${fmt.percent(d.rate)}\nover ${fmt.number(d.customers)} customers`}),
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
      Plot.dot(rows, {x: "period", y: "value", r: 2.5, fill: "var(--theme-foreground-focus)", tip: true, title: (d: {period: Date; value: number; count: number; incomplete?: boolean}) => `${format(d.period)}: ${fmt.percent(d.value)}\nof ${fmt.number(d.count)} ${countLabel}${d.incomplete ? "\n(not over yet)" : ""}`}),
      Plot.ruleY([0])
    ],
    ariaLabel: label
  });
}
