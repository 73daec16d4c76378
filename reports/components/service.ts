/**
 * Charts and words for the Service page: response and resolution times over
 * time (median and 90th percentile), CSAT over time, and NPS after slow and
 * fast first answers with 95% intervals. Rows come from data/service.json
 * (src/metrics/service.ts); figures withheld there (too few tickets, ratings
 * or responses) arrive undefined and leave a gap. The unfinished last period
 * is drawn dashed, since its figures will still move.
 */
import * as Plot from "npm:@observablehq/plot";
import {fmt} from "./format.js";
import {html} from "npm:htl";

export type Granularity = "week" | "month" | "quarter";

export interface ServicePoint {
  period: Date;
  incomplete: boolean;
  withheld: boolean;
  csatWithheld: boolean;
  tickets: number;
  ratings: number;
  /** Kaplan–Meier quantiles in hours; undefined when not reached (then "more than" the longest time followed) or withheld. */
  firstResponseMedian?: number;
  firstResponseP90?: number;
  firstResponseLongest?: number;
  resolutionMedian?: number;
  resolutionP90?: number;
  resolutionLongest?: number;
  /** Tickets still without a solution at the data's last moment. */
  unresolved?: number;
  csatSatisfied?: number;
  csatMean?: number;
  csatResponseRate?: number;
}

export interface NpsAfterRow {
  slowHours: number;
  group: "fast" | "slow" | "no recent ticket";
  responses: number;
  nps?: number;
  /** 95% score interval, in points. */
  low?: number;
  high?: number;
  withheld: boolean;
}

/** A duration in hours in plain words: "45 minutes", "6.1 hours", "3.2 days". */
export function durationWords(hours: number): string {
  return fmt.duration(hours); // the site's one duration format (format.ts), as the Overview's scorecard shows it
}

/**
 * A Kaplan–Meier quantile in words: the duration, or "more than <longest time
 * followed>" when so many tickets are still waiting that the share is not
 * reached yet (the quantile is beyond what the data can tell).
 */
export function quantileWords(hours: number | undefined, longest: number | undefined): string {
  if (hours !== undefined) return durationWords(hours);
  return longest === undefined ? "—" : `more than ${durationWords(longest)}`;
}

/** "hours" as a count in words, for cut-offs: "1 hour", "24 hours". */
export function hoursWords(hours: number): string {
  return hours === 1 ? "1 hour" : `${hours} hours`;
}

/** A period's name in the site's locale: "week of Oct 26, 2026" (en-US) or "week of 26 Oct 2026" (en-GB), "October 2026", "Q3 2026". */
export function periodName(date: Date, granularity: Granularity): string {
  if (granularity === "quarter") return `Q${Math.floor(date.getUTCMonth() / 3) + 1} ${date.getUTCFullYear()}`;
  if (granularity === "month") return fmt.month(date);
  return `week of ${fmt.date(date)}`;
}

/** A score on the ±100 scale (NPS) in the site's locale: "+12", "−3", "0". */
export const points = (x: number): string => fmt.number(x, {signed: true});

/** A period's name inside a sentence: "the week of Oct 26, 2026", "October 2026". */
export function periodInSentence(date: Date, granularity: Granularity): string {
  return granularity === "week" ? `the ${periodName(date, granularity)}` : periodName(date, granularity);
}

/** The latest complete period with figures (the unfinished one only when nothing else has them). */
export function latestShown<T extends {incomplete: boolean; withheld: boolean}>(rows: readonly T[]): T | undefined {
  const shown = rows.filter((d) => !d.withheld);
  return shown.filter((d) => !d.incomplete).at(-1) ?? shown.at(-1);
}

interface Series {
  key: keyof ServicePoint;
  label: string;
  color: string;
}

/** In place of a chart with nothing to draw: says why, and what to choose instead. */
function emptyNote(granularity: Granularity, what: string) {
  const hint = granularity === "quarter" ? "choose a larger group of customers" : "choose longer periods or a larger group of customers";
  return html`<p class="rapport-empty">Every ${granularity} here has fewer than the minimum number of ${what} to show a figure: ${hint}.</p>`;
}

/** Lines over time, one per series: solid over complete periods, dashed into the unfinished one. */
function seriesPlot(
  rows: readonly ServicePoint[],
  series: readonly Series[],
  {width, height, granularity, y, title, ariaLabel, ariaDescription}: {width: number; height: number; granularity: Granularity; y: Plot.ScaleOptions; title: (d: ServicePoint, s: Series) => string; ariaLabel: string; ariaDescription: string}
) {
  if (!rows.some((d) => series.some((s) => d[s.key] !== undefined))) return emptyNote(granularity, series[0].key.startsWith("csat") ? "ratings" : "tickets");
  const long = series.flatMap((s) => rows.map((d) => ({...d, series: s.label, value: d[s.key] as number | undefined, text: d[s.key] === undefined ? "" : title(d, s)})));
  const last = rows.at(-1);
  const unfinished = last?.incomplete ? long.filter((d) => +d.period >= +(rows.at(-2)?.period ?? last.period)) : [];
  const few = rows.length <= 16; // dots on every period only when there are few; weekly lines stay readable
  // A period with figures between two without draws no line: it needs its own dot.
  const alone = (d: ServicePoint & {value: number | undefined; series: string}) => {
    const i = rows.findIndex((r) => +r.period === +d.period);
    const key = series.find((s) => s.label === d.series)!.key;
    return rows[i - 1]?.[key] === undefined && rows[i + 1]?.[key] === undefined;
  };
  return Plot.plot({
    width,
    height,
    marginLeft: 48,
    x: {type: "utc", label: null},
    y: {grid: true, ...y},
    color: {legend: series.length > 1, domain: series.map((s) => s.label), range: series.map((s) => s.color)},
    marks: [
      Plot.lineY(long.filter((d) => !d.incomplete), {x: "period", y: "value", z: "series", stroke: "series", strokeWidth: 2, tip: true, title: "text"}),
      Plot.lineY(unfinished, {x: "period", y: "value", z: "series", stroke: "series", strokeWidth: 2, strokeDasharray: "4,3", tip: true, title: "text"}),
      Plot.dot(long.filter((d) => d.value !== undefined && !d.incomplete && (few || alone(d))), {x: "period", y: "value", fill: "series", r: 2.5, tip: true, title: "text"}),
      Plot.dot(long.filter((d) => d.value !== undefined && d.incomplete), {x: "period", y: "value", stroke: "series", fill: "var(--theme-background)", r: 2.5, tip: true, title: "text"})
    ],
    ariaLabel,
    ariaDescription
  });
}

const medianColor = "#4269d0";
const p90Color = "#ff725c";

/**
 * Median and 90th-percentile hours to the first answer (what = "firstResponse")
 * or to the solution (what = "resolution"), per period.
 */
export function timesChart(rows: readonly ServicePoint[], {what, granularity, width = 640, height = 260}: {what: "firstResponse" | "resolution"; granularity: Granularity; width?: number; height?: number}) {
  const verb = what === "firstResponse" ? "got a first answer" : "were solved";
  const series: Series[] = [
    {key: `${what}Median`, label: "Half of tickets (median)", color: medianColor},
    {key: `${what}P90`, label: "9 in 10 tickets (90th percentile)", color: p90Color}
  ];
  return seriesPlot(rows, series, {
    width,
    height,
    granularity,
    y: {label: "Hours", zero: true},
    title: (d, s) =>
      `${periodName(d.period, granularity)}${d.incomplete ? " (not over yet)" : ""}\n` +
      `${s.key.endsWith("Median") ? "Half" : "9 in 10"} of tickets ${verb} within ${durationWords(d[s.key] as number)}` +
      (s.key.endsWith("Median") && d[`${what}P90`] === undefined ? `\n9 in 10 within ${quantileWords(undefined, d[`${what}Longest`])}` : "") +
      `\n${fmt.number(d.tickets)} tickets opened${what === "resolution" && d.unresolved ? `, ${fmt.number(d.unresolved)} not solved yet` : ""}`,
    ariaLabel: `${what === "firstResponse" ? "Hours to the first answer" : "Hours to a solution"} by ${granularity}, median and 90th percentile`,
    ariaDescription: "Two lines: the time within which half of tickets, and nine in ten, were handled, counting tickets still open as waiting so far. The unfinished last period is dashed; gaps are periods with too few tickets to show, or where the share is not reached yet."
  });
}

/** CSAT per period: the share of ratings of 4 or 5 out of 5, and under it the mean rating. */
export function csatChart(rows: readonly ServicePoint[], {granularity, width = 640}: {granularity: Granularity; width?: number}) {
  const shown = rows.map((d) => (d.csatWithheld ? {...d, csatSatisfied: undefined, csatMean: undefined} : d));
  if (!shown.some((d) => d.csatSatisfied !== undefined)) return emptyNote(granularity, "ratings");
  const title = (d: ServicePoint) =>
    `${periodName(d.period, granularity)}${d.incomplete ? " (not over yet)" : ""}\n` +
    `${fmt.percent(d.csatSatisfied!, {digits: 0})} satisfied (rated 4 or 5)\nmean rating ${fmt.number(d.csatMean!, {digits: 2})} of 5\n` +
    `${fmt.number(d.ratings)} ratings (${fmt.percent(d.csatResponseRate!, {digits: 0})} of solved tickets)`;
  const common = {width, granularity, title};
  return html`<div class="rapport-csat">${seriesPlot(shown, [{key: "csatSatisfied", label: "Satisfied", color: medianColor}], {
    ...common,
    height: 200,
    y: {label: "Satisfied (rated 4–5)", tickFormat: "%", domain: [0, 1]},
    ariaLabel: `Share of satisfied support ratings by ${granularity}`,
    ariaDescription: "The share of ratings of 4 or 5 out of 5. The unfinished last period is dashed; gaps are periods with too few ratings to show."
  })}${seriesPlot(shown, [{key: "csatMean", label: "Mean rating", color: p90Color}], {
    ...common,
    height: 160,
    y: {label: "Mean rating (1–5)", domain: [1, 5]},
    ariaLabel: `Mean support rating by ${granularity}`,
    ariaDescription: "The mean rating from 1 to 5. The unfinished last period is dashed."
  })}</div>`;
}

const classNames: Record<string, string> = {fast: "First answer within the cut-off", slow: "First answer later, or never"};

/**
 * NPS of customers whose latest ticket in the 60 days before they answered the
 * survey got a fast or a slow first answer, for each cut-off between fast and
 * slow (one row of the chart each), with 95% intervals; the dashed line is
 * the NPS of customers with no recent ticket.
 */
export function npsAfterChart(rows: readonly NpsAfterRow[], {width = 640}: {width?: number} = {}) {
  const classes = rows.filter((d) => d.group !== "no recent ticket");
  const shown = classes.filter((d) => !d.withheld) as Required<NpsAfterRow>[];
  const withheld = classes.filter((d) => d.withheld);
  const reference = rows.find((d) => d.group === "no recent ticket" && !d.withheld);
  const label = (d: NpsAfterRow) => (d.group === "fast" ? `within ${hoursWords(d.slowHours)}` : `after more than ${hoursWords(d.slowHours)}, or never`);
  const low = (d: Required<NpsAfterRow>) => d.low;
  const high = (d: Required<NpsAfterRow>) => d.high;
  const xs = [...shown.flatMap((d) => [low(d), high(d)]), ...(reference ? [reference.nps!] : []), 0];
  return Plot.plot({
    width,
    height: 70 + 56 * new Set(classes.map((d) => d.slowHours)).size,
    marginLeft: 70,
    marginRight: 10,
    x: {label: "Net Promoter Score", domain: [Math.max(-100, Math.floor(Math.min(...xs) / 10) * 10), Math.min(100, Math.ceil(Math.max(...xs) / 10) * 10)], grid: true},
    y: {axis: null, domain: ["fast", "slow"]},
    fy: {label: "Slow after", axis: "left", tickFormat: (h: number) => hoursWords(h)},
    color: {legend: true, domain: [classNames.fast, classNames.slow], range: [medianColor, p90Color]},
    marks: [
      reference
        ? Plot.ruleX([reference], {x: "nps", stroke: "var(--theme-foreground-muted)", strokeDasharray: "3,3", tip: true, title: (d: NpsAfterRow) => `No ticket in the 60 days before answering\nNPS ${points(d.nps!)} (95% interval ${points(d.low!)} to ${points(d.high!)}), ${fmt.number(d.responses)} responses`})
        : null,
      Plot.ruleY(shown, {fy: "slowHours", y: "group", x1: low, x2: high, stroke: (d: NpsAfterRow) => classNames[d.group], strokeWidth: 2, tip: true, title: (d: Required<NpsAfterRow>) => `95% interval ${points(low(d))} to ${points(high(d))}`}),
      Plot.dot(shown, {
        fy: "slowHours",
        y: "group",
        x: "nps",
        r: 4.5,
        fill: (d: NpsAfterRow) => classNames[d.group],
        tip: true,
        title: (d: Required<NpsAfterRow>) => `First answer ${label(d)}\nNPS ${points(d.nps)} (95% interval ${points(low(d))} to ${points(high(d))})\n${fmt.number(d.responses)} responses`
      }),
      Plot.text(withheld, {
        fy: "slowHours",
        y: "group",
        frameAnchor: "left",
        dx: 4,
        // A withheld class publishes no count (complementary suppression), so the label says why, not how many.
        text: () => "withheld: too few answers",
        fill: "var(--theme-foreground-muted)",
        tip: true,
        title: (d: NpsAfterRow) => `First answer ${label(d)}: fewer than the minimum of answers, or a class that would give such a one away, so not shown`
      })
    ],
    ariaLabel: "NPS after fast and slow first answers, for each cut-off between fast and slow, with 95% intervals",
    ariaDescription: "One row per cut-off; dots are NPS, lines their 95% intervals; the dashed line is the NPS of customers with no recent ticket."
  });
}
