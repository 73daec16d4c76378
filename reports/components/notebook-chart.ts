/**
 * The quick chart of a notebook result, picked from its column kinds:
 * a date and a number → a line (one per value of a text column, when there
 * are at most 12); a text column and a number → bars (the first 40 rows);
 * two numbers → dots. Anything else gets no chart. Every mark has a tooltip.
 */
import type * as PlotModule from "npm:@observablehq/plot";

// Plot (with d3, about 170 kB compressed) is fetched when the first chart is drawn, not before the
// notebook shows: a result's table comes first and its chart a moment later.
let Plot: typeof PlotModule | undefined;
let loading: Promise<unknown> | undefined;

/** Resolves once drawChart can draw. */
export function chartsReady(): Promise<unknown> {
  return (loading ??= import("npm:@observablehq/plot").then((module) => (Plot = module)));
}

export type ColumnKind = "time" | "number" | "category" | "other";

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
  /** DuckDB's name for the type, as the table list shows it. */
  type: string;
}

export interface ChartPlan {
  mark: "line" | "bar" | "dot";
  x: string;
  y: string;
  /** The text column that splits lines into series. */
  series?: string;
  /** True when x is a date or time column (a time scale, also in a saved page). */
  xTime?: boolean;
  /** Rows drawn, when fewer than the result's. */
  shown?: number;
  /** What the chart shows, in words: its caption and text alternative. */
  description: string;
}

const maxSeries = 12;
const maxBars = 40;

/** Which chart fits a result (of the mark asked for, or any), or null when none does. */
export function planChart(columns: readonly ResultColumn[], rows: readonly Record<string, unknown>[], mark: "auto" | "none" | ChartPlan["mark"] = "auto"): ChartPlan | null {
  if (mark === "none") return null;
  const plan = mark === "auto" ? pick(columns, rows) : force(mark, columns, rows);
  if (!plan) return null;
  // Say what is not drawn: a withheld figure is null, and a chart without it must not look complete.
  const blank = rows.filter((d) => d[plan.x] == null || d[plan.y] == null).length;
  return blank ? {...plan, description: `${plan.description}; ${blank} ${blank === 1 ? "row" : "rows"} with no value left out`} : plan;
}

function pick(columns: readonly ResultColumn[], rows: readonly Record<string, unknown>[]): ChartPlan | null {
  // One row draws a lone mark: the table says it better.
  if (rows.length < 2) return null;
  const of = (kind: ColumnKind) => columns.filter((c) => c.kind === kind).map((c) => c.name);
  const [times, numbers, categories] = [of("time"), of("number"), of("category")];
  if (times.length && numbers.length) {
    const [x, y] = [times[0], numbers[0]];
    const series = categories.find((c) => {
      const n = new Set(rows.map((d) => d[c])).size;
      return n > 1 && n <= maxSeries;
    });
    const repeats = new Set(rows.map((d) => +(d[x] as Date))).size < rows.length;
    // Several rows per date with nothing to split them by would zigzag as a line: dots instead.
    if (repeats && !series) return {mark: "dot", x, y, xTime: true, description: `${y} by ${x}, a dot per row`};
    return {mark: "line", x, y, series, xTime: true, description: `${y} by ${x}${series ? `, a line per ${series}` : ""}`};
  }
  if (categories.length && numbers.length) {
    const [x, y] = [numbers[0], categories[0]];
    const shown = rows.length > maxBars ? maxBars : undefined;
    return {mark: "bar", x, y, shown, description: `${x} by ${y}${shown ? ` (the first ${shown} of ${rows.length} rows)` : ""}`};
  }
  if (numbers.length >= 2) return {mark: "dot", x: numbers[0], y: numbers[1], description: `${numbers[1]} against ${numbers[0]}, a dot per row`};
  return null;
}

/** A chart of the mark asked for, from the first columns that suit it; null when none do. */
function force(mark: ChartPlan["mark"], columns: readonly ResultColumn[], rows: readonly Record<string, unknown>[]): ChartPlan | null {
  if (rows.length < 1) return null;
  const of = (kind: ColumnKind) => columns.filter((c) => c.kind === kind).map((c) => c.name);
  const [times, numbers, categories] = [of("time"), of("number"), of("category")];
  if (mark === "line") {
    const x = times[0] ?? (numbers.length >= 2 ? numbers[0] : undefined);
    const y = numbers.find((n) => n !== x);
    if (!x || !y) return null;
    const series = categories.find((c) => {
      const n = new Set(rows.map((d) => d[c])).size;
      return n > 1 && n <= maxSeries;
    });
    return {mark, x, y, series, xTime: x === times[0], description: `${y} by ${x}${series ? `, a line per ${series}` : ""}`};
  }
  if (mark === "bar") {
    const [x, y] = [numbers[0], categories[0] ?? times[0]];
    if (!x || !y) return null;
    const shown = rows.length > maxBars ? maxBars : undefined;
    return {mark, x, y, shown, description: `${x} by ${y}${shown ? ` (the first ${shown} of ${rows.length} rows)` : ""}`};
  }
  const x = times[0] ?? numbers[0];
  const y = numbers.find((n) => n !== x);
  return x && y ? {mark, x, y, xTime: x === times[0], description: `${y} against ${x}, a dot per row`} : null;
}

// Plot writes ticks in full ("15,000,000"), which the chart's 60-pixel left margin cuts to "5,000,000".
const compact = new Intl.NumberFormat("en-US", {notation: "compact", maximumSignificantDigits: 3});

/**
 * The tick labels of a numeric axis over values: Plot's own ("250,000") below a million, compact from
 * there ("15M", "2.5B"), so that no label is cut off; the tooltips keep the full figures. Saved pages
 * call it too (notebook-format.ts).
 */
export function numberTicks(values: Iterable<unknown>): ((n: number) => string) | undefined {
  let largest = 0;
  for (const v of values) if (typeof v === "number" && Math.abs(v) > largest) largest = Math.abs(v);
  return largest >= 1e6 ? compact.format : undefined;
}

/** Draws a plan at a width (once chartsReady() has resolved). */
export function drawChart(plan: ChartPlan, rows: readonly Record<string, unknown>[], {width = 640} = {}) {
  if (!Plot) throw new Error("drawChart before chartsReady()");
  const {x, y, series} = plan;
  const present = rows.filter((d) => d[x] != null && d[y] != null);
  const ticks = (column: string) => numberTicks(present.map((d) => d[column]));
  const common = {width, ariaLabel: `Quick chart: ${plan.description}`, ariaDescription: `Drawn from the cell's result.`};
  switch (plan.mark) {
    case "line":
      return Plot.plot({
        ...common,
        height: 280,
        marginLeft: 60,
        x: {type: plan.xTime ? "utc" : "linear", label: x, ...(plan.xTime ? {} : {tickFormat: ticks(x)})},
        // Start at zero when every value is at least zero, so a line's ups and downs are not overstated.
        y: {label: y, grid: true, zero: present.every((d) => (d[y] as number) >= 0), tickFormat: ticks(y)},
        color: series ? {legend: true, label: series} : undefined,
        marks: [
          // Markers only while they stay apart; the tooltip follows the pointer along the line.
          Plot.lineY(present, {x, y, ...(series ? {stroke: series, z: series} : {}), sort: x, marker: present.length <= 60 ? "dot" : undefined, tip: true})
        ]
      });
    case "bar": {
      const bars = present.slice(0, plan.shown ?? present.length);
      const labels = bars.map((d) => String(d[y]));
      const longest = Math.max(...labels.map((l) => l.length));
      return Plot.plot({
        ...common,
        height: 40 + 24 * new Set(labels).size,
        marginLeft: Math.min(Math.max(60, 7 * longest + 10), Math.round(width / 3)),
        marginRight: 20,
        x: {label: x, grid: true, tickFormat: ticks(x)},
        y: {label: null, domain: [...new Set(labels)], tickFormat: (l: string) => (l.length > 24 ? `${l.slice(0, 23)}…` : l)},
        marks: [Plot.barX(bars, {y: (d: Record<string, unknown>) => String(d[y]), x, fill: "var(--theme-foreground-focus)", tip: {channels: {[y]: (d: Record<string, unknown>) => String(d[y])}}}), Plot.ruleX([0])]
      });
    }
    case "dot":
      return Plot.plot({
        ...common,
        height: 300,
        marginLeft: 60,
        x: {label: x, grid: true, ...(plan.xTime ? {type: "utc"} : {tickFormat: ticks(x)})},
        y: {label: y, grid: true, tickFormat: ticks(y)},
        marks: [Plot.dot(present, {x, y, fill: "currentColor", fillOpacity: 0.6, r: 3, tip: true})]
      });
  }
}
