import * as Plot from "npm:@observablehq/plot";
import {fmt} from "./format.js";
import type {PooledNps} from "./npsMath.js";

/** "March 2026" for a month, "Q1 2026" for a quarter, "week of 2 Mar 2026" (en-GB) for a week: in the site's locale. */
export function periodName(d: Date, period: "month" | "quarter" | "week" = "month"): string {
  if (period === "quarter") return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
  if (period === "week") return `week of ${fmt.date(d)}`;
  return fmt.month(d);
}

/** A score on the ±100 scale (NPS, emotion) in the site's locale: "+12", "−3", "0". */
const points = (x: number) => fmt.number(x, {signed: true});

export interface NpsPoint {
  period: Date;
  responses: number;
  nps?: number;
  /** 95% score interval, in points (asymmetric near ±100). */
  low?: number;
  high?: number;
  significant?: boolean;
  small?: boolean;
  incomplete: boolean;
  withheld: boolean;
}

/**
 * NPS over time with its 95% interval as a band. A filled dot marks a change
 * from the previous period larger than chance; a hollow dot a period with
 * too few responses to trust; the unfinished period is dashed. Tooltips give
 * the figure, its interval and the number of responses.
 */
export function npsTrend(rows: readonly NpsPoint[], {width = 640, height = 300, period = "month"}: {width?: number; height?: number; period?: "month" | "quarter"} = {}) {
  const name = (d: Date) => periodName(d, period);
  const shown = rows.filter((d) => !d.withheld && d.nps !== undefined) as Required<NpsPoint>[];
  // Withheld periods stay in the line and the band as NaN, so both break there instead of bridging the gap.
  const series = [...rows].sort((a, b) => +a.period - +b.period).map((d) => (d.withheld || d.nps === undefined ? {...d, nps: NaN, low: NaN, high: NaN} : d)) as Required<NpsPoint>[];
  const complete = series.filter((d) => !d.incomplete || Number.isNaN(d.nps));
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: "Net Promoter Score", domain: [-100, 100], grid: true},
    marks: [
      Plot.areaY(series, {x: "period", y1: "low", y2: "high", fill: "var(--theme-foreground-focus)", fillOpacity: 0.15, curve: "step"}),
      Plot.ruleY([0]),
      Plot.lineY(complete, {x: "period", y: "nps", stroke: "var(--theme-foreground-focus)"}),
      Plot.lineY(shown.slice(-2).filter(() => shown.at(-1)?.incomplete), {x: "period", y: "nps", stroke: "var(--theme-foreground-focus)", strokeDasharray: "4,3"}),
      Plot.dot(shown, {
        x: "period",
        y: "nps",
        r: 3.5,
        stroke: "var(--theme-foreground-focus)",
        fill: (d: Required<NpsPoint>) => (d.significant ? "var(--theme-foreground-focus)" : "var(--theme-background)"),
        tip: true,
        title: (d: Required<NpsPoint>) =>
          `${name(d.period)}\nNPS ${points(d.nps)} (95% interval ${points(d.low)} to ${points(d.high)})\n${fmt.number(d.responses)} responses` +
          (d.significant ? `\nchange from the ${period} before larger than chance` : "") +
          (d.small ? "\nfew responses: read with care" : "") +
          (d.incomplete ? `\n${period} not over yet` : "")
      })
    ],
    ariaLabel: `Net Promoter Score by ${period} with its 95% interval as a band`,
    ariaDescription: `Filled dots mark changes larger than chance; the last ${period} is dashed while it is not over.`
  });
}

export interface SharePoint {
  period: Date;
  /** Withheld periods leave a gap. */
  withheld?: boolean;
  promoterShare: number;
  passiveShare: number;
  detractorShare: number;
}

const groupColors = {domain: ["Promoters", "Passives", "Detractors"], range: ["#3ca951", "#9498a0", "#e15759"]};

/** Shares of promoters, passives and detractors per period, stacked to 100%. */
export function npsShares(rows: readonly SharePoint[], {width = 640, height = 240, period = "month"}: {width?: number; height?: number; period?: "month" | "quarter"} = {}) {
  const long = [...rows]
    .sort((a, b) => +a.period - +b.period)
    .flatMap((d) => [
      {period: d.period, group: "Promoters", share: d.withheld ? NaN : d.promoterShare},
      {period: d.period, group: "Passives", share: d.withheld ? NaN : d.passiveShare},
      {period: d.period, group: "Detractors", share: d.withheld ? NaN : d.detractorShare}
    ]);
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: "Share of responses", tickFormat: "%", grid: true},
    color: {legend: true, ...groupColors},
    marks: [
      Plot.areaY(long, {x: "period", y: "share", fill: "group", order: groupColors.domain, curve: "step"}),
      Plot.tip(long.filter((d) => !Number.isNaN(d.share)), Plot.pointerX(Plot.stackY({x: "period", y: "share", fill: "group", order: groupColors.domain, title: (d: {period: Date; group: string; share: number}) => `${periodName(d.period, period)}\n${d.group}: ${fmt.percent(d.share, {digits: 0})}`})))
    ],
    ariaLabel: `Shares of promoters, passives and detractors by ${period}`
  });
}

export interface GroupNps extends PooledNps {
  group: string;
}

/** NPS of each group over a range, each with its 95% interval, sorted from highest; groups too small to show are left out. */
export function npsByGroup(rows: readonly GroupNps[], {width = 640, label = "Group"}: {width?: number; label?: string} = {}) {
  const shown = rows.filter((d) => d.nps !== undefined) as (GroupNps & {nps: number; low: number; high: number})[];
  return Plot.plot({
    width,
    height: 40 + 28 * shown.length,
    marginLeft: 110,
    x: {label: "Net Promoter Score", domain: [-100, 100], grid: true},
    y: {label: null, domain: shown.slice().sort((a, b) => b.nps - a.nps).map((d) => d.group)},
    marks: [
      Plot.ruleX([0]),
      Plot.ruleY(shown, {y: "group", x1: "low", x2: "high", stroke: "var(--theme-foreground-focus)", strokeOpacity: 0.4, strokeWidth: 6}),
      Plot.dot(shown, {
        y: "group",
        x: "nps",
        r: 5,
        fill: "var(--theme-foreground-focus)",
        tip: true,
        title: (d: GroupNps) => `${label}: ${d.group}\nNPS ${points(d.nps!)} (95% interval ${points(d.low!)} to ${points(d.high!)})\n${fmt.number(d.responses)} responses`
      })
    ],
    ariaLabel: `Net Promoter Score by ${label.toLowerCase()} with 95% intervals`
  });
}

export interface EmotionPoint {
  period: Date;
  comments: number;
  scored: number;
  positive: number;
  neutral: number;
  negative: number;
  emotionScore: number;
  low: number;
  high: number;
}

/**
 * The customer emotion score per month (% positive − % negative comments, −100…+100) with its 95%
 * interval as a band; tooltips give the counts behind it.
 */
export function emotionChart(rows: readonly EmotionPoint[], {width = 640, height = 240}: {width?: number; height?: number} = {}) {
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: "Customer emotion score", domain: [-100, 100], grid: true},
    marks: [
      Plot.areaY(rows, {x: "period", y1: "low", y2: "high", fill: "var(--theme-foreground-focus)", fillOpacity: 0.15, curve: "step"}),
      Plot.ruleY([0]),
      Plot.lineY(rows, {x: "period", y: "emotionScore", stroke: "var(--theme-foreground-focus)"}),
      Plot.dot(rows, {
        x: "period",
        y: "emotionScore",
        r: 3,
        fill: "var(--theme-foreground-focus)",
        tip: true,
        title: (d: EmotionPoint) =>
          `${periodName(d.period)}\ncustomer emotion score ${points(d.emotionScore)} (95% interval ${points(d.low)} to ${points(d.high)})\n${fmt.number(d.positive)} positive, ${fmt.number(d.neutral)} neutral, ${fmt.number(d.negative)} negative of ${fmt.number(d.scored)} comments scored`
      })
    ],
    ariaLabel: "Customer emotion score of NPS comments by month with its 95% interval as a band"
  });
}

export interface WordRow {
  word: string;
  z: number;
  detractorCount: number;
  promoterCount: number;
}

/** How the words chart names a z-score: the strength of the evidence that the lean is not chance. */
export function evidence(z: number): string {
  const a = Math.abs(z);
  return a >= 3.29 ? "very strong" : a >= 2.58 ? "strong" : a >= 1.96 ? "clear" : "could be chance";
}

/**
 * The terms (words and two-word phrases) detractors use more (right, red) and promoters use more
 * (left, green), by weighted log-odds z-score. The axis is labelled in words: inside ±1.96 (shaded)
 * a lean could be chance, and bars there are drawn pale; beyond it the lean is clear, and the
 * longer the bar the stronger the evidence (the tooltip names it and gives z).
 */
export function wordsChart(words: {detractors: readonly WordRow[]; promoters: readonly WordRow[]}, {width = 640, low = "detractors", high = "promoters"}: {width?: number; low?: string; high?: string} = {}) {
  const rows = [...words.detractors, ...words.promoters];
  const extent = Math.max(4, ...rows.map((d) => Math.abs(d.z)));
  const narrow = width < 500;
  const ticks = narrow ? [-1.96, 1.96] : [-1.96, 0, 1.96];
  const tickName = (t: number) => (t === 0 ? "no lean" : narrow ? "clear" : "clear lean");
  return Plot.plot({
    width,
    height: 60 + 18 * rows.length,
    marginLeft: narrow ? 130 : 150,
    marginBottom: 40,
    x: {label: narrow ? `← ${high} · ${low} →` : `← ${high} use it more · strength of the evidence · ${low} use it more →`, labelAnchor: "center", domain: [-extent, extent], ticks, tickFormat: tickName, grid: true},
    y: {label: null, domain: rows.slice().sort((a, b) => b.z - a.z).map((d) => d.word), tickFormat: (w: string) => (w.length > 20 ? `${w.slice(0, 19)}…` : w)},
    color: {domain: [false, true], range: ["#3ca951", "#e15759"]},
    marks: [
      Plot.rectX([0], {x1: -1.96, x2: 1.96, fill: "currentColor", fillOpacity: 0.06}),
      Plot.barX(rows, {
        y: "word",
        x: "z",
        fill: (d: WordRow) => d.z > 0,
        fillOpacity: (d: WordRow) => (Math.abs(d.z) < 1.96 ? 0.35 : 1),
        tip: true,
        title: (d: WordRow) => `"${d.word}"\nwritten by ${fmt.number(d.detractorCount)} ${low} and ${fmt.number(d.promoterCount)} ${high} (each customer once)\nevidence of a lean: ${evidence(d.z)} (z = ${fmt.number(d.z, {digits: 1})})`
      }),
      Plot.ruleX([0])
    ],
    ariaLabel: `Words that separate ${low} from ${high}`
  });
}
