import * as Plot from "npm:@observablehq/plot";
import {format} from "npm:d3";
import {html} from "npm:htl";
import {fmt} from "./format.js";
import {periodName} from "./npsTrend.js";

export interface ScorecardRow {
  aspect: string;
  measure: string;
  label: string;
  unit: "currency" | "hours" | "share" | "points";
  better: "up" | "down";
  period?: Date;
  current?: number;
  previous?: number;
  change?: number;
  improved?: boolean;
  series: {period: Date; value: number}[];
}

const formats = {
  currency: (x: number) => fmt.money(x, {digits: 2}),
  hours: (x: number) => fmt.duration(x),
  share: format(".1%"),
  points: format("+.0f")
};
const changes = {
  currency: (x: number) => fmt.money(Math.abs(x), {digits: 2}),
  hours: (x: number) => fmt.duration(Math.abs(x)),
  share: (x: number) => `${format(".1f")(Math.abs(x) * 100)} pts`,
  points: (x: number) => `${format(".0f")(Math.abs(x))} pts`
};
/** What each figure counts, in a line a reader who is not an analyst can follow. */
const definitions: Record<string, (period: string) => string> = {
  aov: () => "net revenue per completed order",
  revenue_per_customer: (p) => `net revenue per customer who ordered that ${p}`,
  first_response_median: () => "half of new tickets got a first answer within this",
  csat_satisfied: () => "of support ratings were 4 or 5 out of 5",
  repeat_share: (p) => `of the ${p}'s buyers had bought before`,
  churn: (p) => `of the ${p} before's buyers bought nothing this ${p}`,
  nps: () => "% promoters minus % detractors, −100 to +100",
  promoter_share: () => "of survey answers were 9 or 10"
};

const aspects: Record<string, string> = {
  value: "Value",
  communication: "Communication",
  experience: "Experience",
  trust: "Trust",
  loyalty: "Loyalty",
  advocacy: "Advocacy"
};

/** A sparkline of a measure's complete periods, the last one marked, with a tooltip on every point. */
export function sparkline(row: ScorecardRow, {width = 200, height = 44, period = "month"}: {width?: number; height?: number; period?: "month" | "quarter"} = {}) {
  const fmt = formats[row.unit];
  return Plot.plot({
    width,
    height,
    margin: 4,
    axis: null,
    x: {type: "utc"},
    y: {zero: row.unit === "currency" || row.unit === "hours", nice: false},
    marks: [
      Plot.lineY(row.series, {x: "period", y: "value", stroke: "var(--theme-foreground-muted)", strokeWidth: 1.5}),
      Plot.dot(row.series.slice(-1), {x: "period", y: "value", r: 3, fill: "var(--theme-foreground-focus)"}),
      Plot.dot(row.series, Plot.pointerX({x: "period", y: "value", r: 3, fill: "var(--theme-foreground-focus)", tip: true, title: (d: {period: Date; value: number}) => `${periodName(d.period, period)}: ${fmt(d.value)}`}))
    ],
    ariaLabel: `${row.label}, last ${row.series.length} ${period}s`
  });
}

/**
 * A scorecard card: the aspect, the measure, its figure for the last complete
 * period, the change from the one before (green when for the better, which is
 * down for hours and churn) and a sparkline (or the chart given, such as a
 * page's `resize((width) => sparkline(row, {width}))`).
 */
export function scorecardCard(row: ScorecardRow, {period = "month", chart}: {period?: "month" | "quarter"; chart?: Element} = {}) {
  const fmt = formats[row.unit];
  if (row.current === undefined) {
    return html`<div class="card rapport-score" data-measure=${row.measure}><h3>${aspects[row.aspect]}</h3><h2>${row.label}</h2><span class="big">—</span><span class="muted">no data exported</span></div>`;
  }
  const arrow = row.change === undefined || row.change === 0 ? "" : row.change > 0 ? "▲" : "▼";
  const tone = row.improved === undefined ? "muted" : row.improved ? "green" : "red";
  return html`<div class="card rapport-score" data-measure=${row.measure}>
    <h3>${aspects[row.aspect]}</h3>
    <h2>${row.label}</h2>
    <span class="big">${fmt(row.current)}</span>
    <span class="rapport-definition"><a href="./methodology#scorecard">${definitions[row.measure]?.(period) ?? ""}</a></span>
    <span class=${tone}>${row.change === undefined ? "" : `${arrow} ${changes[row.unit](row.change)}`}</span>
    <span class="muted">${row.previous === undefined ? "" : `vs ${periodName(row.series.at(-2)!.period, period)}`}</span>
    ${chart ?? sparkline(row, {period})}
  </div>`;
}
