import * as Plot from "npm:@observablehq/plot";
import {fmt} from "./format.js";
import {periodName} from "./npsTrend.js";
export {pooledSatisfaction, wilson} from "./satisfactionMath.js";

export interface SatisfactionPoint {
  period: Date;
  ratings: number;
  scaleMin: number;
  scaleMax: number;
  mean: number;
  meanLow: number;
  meanHigh: number;
  topTwo: number;
  topTwoShare: number;
  topTwoLow: number;
  topTwoHigh: number;
  incomplete: boolean;
}

/** "4–5 stars" for a 1–5 scale: the two top boxes in words. */
export function topTwoName({scaleMax}: {scaleMax: number}): string {
  return `${scaleMax - 1}–${scaleMax} stars`;
}

/**
 * The share of ratings in the top two boxes per period, with its 95% Wilson interval as a band; the
 * tooltip adds the mean rating and its interval. The unfinished period is a hollow dot.
 */
export function satisfactionTrend(rows: readonly SatisfactionPoint[], {width = 640, height = 260, period = "month"}: {width?: number; height?: number; period?: "month" | "quarter"} = {}) {
  const top = rows.length ? topTwoName(rows[0]) : "top two";
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: `Share of ratings at ${top} (%)`, domain: [0, 100], grid: true, percent: true},
    marks: [
      Plot.areaY(rows, {x: "period", y1: "topTwoLow", y2: "topTwoHigh", fill: "var(--theme-foreground-focus)", fillOpacity: 0.15, curve: "step"}),
      Plot.lineY(rows, {x: "period", y: "topTwoShare", stroke: "var(--theme-foreground-focus)"}),
      Plot.dot(rows, {
        x: "period",
        y: "topTwoShare",
        r: 3,
        stroke: "var(--theme-foreground-focus)",
        fill: (d: SatisfactionPoint) => (d.incomplete ? "var(--theme-background)" : "var(--theme-foreground-focus)"),
        tip: true,
        title: (d: SatisfactionPoint) =>
          `${periodName(d.period, period)}\n${fmt.percent(d.topTwoShare, {digits: 0})} at ${topTwoName(d)} (95% interval ${fmt.percent(d.topTwoLow, {digits: 0})} to ${fmt.percent(d.topTwoHigh, {digits: 0})})\n` +
          `mean ${fmt.number(d.mean, {digits: 2})} of ${d.scaleMax} (95% interval ${fmt.number(d.meanLow, {digits: 2})} to ${fmt.number(d.meanHigh, {digits: 2})})\n${fmt.number(d.ratings)} ratings` +
          (d.incomplete ? `\n${period} not over yet` : "")
      })
    ],
    ariaLabel: `Share of star ratings in the top two boxes by ${period} with its 95% interval as a band`
  });
}
