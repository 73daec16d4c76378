import * as Plot from "npm:@observablehq/plot";
import {html} from "npm:htl";
import {fmt} from "./format.js";
import {periodName} from "./npsTrend.js";

/** One period of a measure, as `rapport metrics scorecard` prints it (src/metrics/scorecard.ts). */
export interface ScorecardPoint {
  period: Date;
  value?: number;
  low?: number;
  high?: number;
  n?: number;
  tickets?: number;
  withheld: boolean;
}

export interface ScorecardRow {
  aspect: string;
  measure: string;
  label: string;
  unit: "hours" | "share" | "points";
  better: "up" | "down";
  population: string;
  lagDays: number;
  period?: Date;
  periodEnd?: Date;
  current?: ScorecardPoint;
  previous?: ScorecardPoint;
  change?: number;
  p?: number;
  q?: number;
  test?: string;
  significant: boolean;
  improved?: boolean;
  coveredThrough?: Date;
  series: ScorecardPoint[];
}

const formats = {
  hours: (x: number) => fmt.duration(x),
  share: (x: number) => fmt.percent(x),
  points: (x: number) => fmt.number(x, {signed: true})
};
const ranges = {
  hours: (low?: number, high?: number) => `${fmt.number(low!, {digits: 1})}–${high === undefined ? "?" : fmt.number(high, {digits: 1})} h`,
  share: (low?: number, high?: number) => `${fmt.percent(low!, {digits: 0})} to ${fmt.percent(high!, {digits: 0})}`,
  points: (low?: number, high?: number) => `${formats.points(low!)} to ${formats.points(high!)}`
};
const changes = {
  hours: (x: number) => fmt.duration(Math.abs(x)),
  share: (x: number) => `${fmt.number(Math.abs(x) * 100, {digits: 1})} pts`,
  points: (x: number) => `${fmt.number(Math.abs(x))} pts`
};
/** What each figure counts, in a line a reader who is not an analyst can follow. */
const definitions: Record<string, string> = {
  kept_orders: "of orders were kept: not refunded or cancelled",
  second_order: "of first-time buyers ordered again within 90 days",
  kept_rhythm: "of regular customers kept buying at their usual pace",
  first_response: "half of tickets had a first answer within this",
  resolution: "half of tickets were resolved within this",
  csat_satisfied: "of support ratings were 4 or 5 out of 5",
  nps: "% promoters minus % detractors, −100 to +100"
};

const aspects: Record<string, string> = {
  value: "Value",
  trust: "Trust",
  loyalty: "Loyalty",
  communication: "Communication",
  experience: "Experience",
  advocacy: "Advocacy"
};

/** "Oct 1 – 31, 2026" (en-US), "1–31 Oct 2026" (en-GB): the days a figure covers (UTC), in the site's locale. */
export function windowName(start: Date, end: Date): string {
  return fmt.range(start, end);
}

/** "Sep 2026", "Q3 2026". */
function shortName(d: Date, period: "month" | "quarter"): string {
  return period === "quarter" ? periodName(d, period) : fmt.month(d, {short: true});
}

/** The population and window of a card, e.g. "109 answers, 1–31 Oct 2026". */
function population(row: ScorecardRow, point: ScorecardPoint): string {
  const n = fmt.number(point.n!);
  const window = windowName(new Date(row.period!), new Date(row.periodEnd!));
  if (row.measure === "second_order") return `${n} first-time buyers, ${window}, each followed 90 days`;
  if (row.measure === "kept_rhythm") return `${n} customers on their usual pace at the start, ${window}`;
  if (row.measure === "csat_satisfied" && point.tickets) return `${n} ratings (${fmt.percent(point.n! / point.tickets, {digits: 0})} of ${fmt.number(point.tickets)} tickets), ${window}`;
  return `${n} ${row.population}, ${window}`;
}

/** A sparkline of a measure's complete periods (withheld ones left as gaps), the last one marked, with a tooltip on every point. */
export function sparkline(row: ScorecardRow, {width = 200, height = 44, period = "month"}: {width?: number; height?: number; period?: "month" | "quarter"} = {}) {
  const figure = formats[row.unit];
  const shown = row.series.filter((d) => d.value !== undefined && d.value !== null);
  return Plot.plot({
    width,
    height,
    margin: 4,
    axis: null,
    x: {type: "utc"},
    y: {zero: row.unit === "hours", nice: false},
    marks: [
      Plot.lineY(row.series, {x: "period", y: "value", stroke: "var(--theme-foreground-muted)", strokeWidth: 1.5}),
      Plot.dot(shown.slice(-1), {x: "period", y: "value", r: 3, fill: "var(--theme-foreground-focus)"}),
      Plot.dot(shown, Plot.pointerX({x: "period", y: "value", r: 3, fill: "var(--theme-foreground-focus)", tip: true, title: (d: ScorecardPoint) => `${periodName(d.period, period)}: ${figure(d.value!)} (${fmt.number(d.n!)} ${row.population})`}))
    ],
    ariaLabel: `${row.label}, last ${row.series.length} ${period}s`
  });
}

/**
 * A scorecard card: the aspect, the measure, its figure for the latest period its source covers, who and
 * when it counts, its 95% range, and the change from the period before — called better (green) or worse
 * (red) only when it passed its test after false-discovery control, else "no clear change" — and a
 * sparkline (or the chart given, such as a page's `resize((width) => sparkline(row, {width}))`).
 */
export function scorecardCard(row: ScorecardRow, {period = "month", chart, minGroup = 10}: {period?: "month" | "quarter"; chart?: Element; minGroup?: number} = {}) {
  const figure = formats[row.unit];
  const head = html`<h3>${aspects[row.aspect]}</h3><h2>${row.label}</h2>`;
  const current = row.current;
  if (!current) {
    return html`<div class="card rapport-score" data-measure=${row.measure}>${head}<span class="big">—</span><span class="muted">no complete ${period} in the exports</span></div>`;
  }
  if (current.value === undefined || current.value === null) {
    const why = current.withheld ? `withheld: fewer than ${minGroup} ${row.population} in ${periodName(new Date(row.period!), period)}` : `not reached yet in ${periodName(new Date(row.period!), period)}`;
    return html`<div class="card rapport-score" data-measure=${row.measure}>${head}<span class="big">—</span><span class="muted">${why}</span>${chart ?? sparkline(row, {period})}</div>`;
  }
  const previousName = row.previous ? shortName(new Date(row.previous.period), period) : undefined;
  let verdict;
  if (row.change === undefined) verdict = html`<span class="muted">${row.previous?.withheld ? `no comparison: ${previousName} withheld` : "no comparison"}</span>`;
  else if (row.significant) verdict = html`<span class=${row.improved ? "green" : "red"}>${row.change > 0 ? "▲" : "▼"} ${changes[row.unit](row.change)} vs ${previousName}, ${row.improved ? "better" : "worse"}</span>`;
  else verdict = html`<span class="muted" title=${`${row.test}: p = ${fmt.number(row.p!, {digits: 2})}, ${fmt.number(row.q!, {digits: 2})} after false-discovery control`}>no clear change vs ${previousName} (${figure(row.previous!.value!)})</span>`;
  return html`<div class="card rapport-score" data-measure=${row.measure}>
    ${head}
    <span class="big">${figure(current.value)}</span>
    <span class="rapport-definition"><a href="./methodology#scorecard">${definitions[row.measure] ?? ""}</a></span>
    <span class="rapport-detail">${population(row, current)}</span>
    <span class="rapport-detail">95% range ${ranges[row.unit](current.low, current.high)}</span>
    ${verdict}
    ${chart ?? sparkline(row, {period})}
  </div>`;
}
