import * as Plot from "npm:@observablehq/plot";
import {fmt} from "./format.js";
import {groupLabel} from "./labels.js";

export interface RevenueRow {
  month: Date;
  channel: string;
  /** null where the figure is withheld (too few customers). */
  net_revenue: number | null;
}

/**
 * Net revenue a month as bars stacked by acquisition channel, with a tooltip
 * on every bar. rows: one per month × channel (as the Overview's SQL gives);
 * withheld figures are left out. channels fixes the colour of each channel,
 * so every chart on a page colours a channel the same way.
 */
export function revenueChart(rows: Iterable<RevenueRow>, {width = 640, height = 320, channels, partial}: {width?: number; height?: number; channels?: string[]; partial?: Date} = {}) {
  return Plot.plot({
    width,
    height,
    marginLeft: 60,
    x: {type: "utc", label: null},
    y: {grid: true, label: `Net revenue${fmt.symbol ? ` (${fmt.symbol})` : ""}`, tickFormat: "~s"},
    color: {legend: true, label: "Channel", tickFormat: groupLabel, ...(channels ? {domain: channels} : {})},
    marks: [
      Plot.rectY(
        Array.from(rows).filter((d) => d.net_revenue != null),
        Plot.stackY({
          x1: "month",
          x2: (d: RevenueRow) => new Date(Date.UTC(d.month.getUTCFullYear(), d.month.getUTCMonth() + 1, 1)),
          y: "net_revenue",
          fill: "channel",
          // The month in progress (partial: its first day) drawn lighter, so its short bar is not read as a fall.
          ...(partial ? {fillOpacity: (d: RevenueRow) => (+d.month >= +partial ? 0.35 : 1)} : {}),
          inset: 0.5,
          channels: {Channel: {value: (d: RevenueRow) => groupLabel(d.channel)}, "Net revenue": {value: "net_revenue"}},
          tip: {format: {x1: (d: Date) => fmt.month(d), x2: false, fill: false, y: false, Channel: true, "Net revenue": (x: number) => fmt.money(x)}}
        })
      ),
      Plot.ruleY([0])
    ],
    ariaLabel: "Net revenue by month, stacked by acquisition channel",
    ariaDescription: "A bar for each month; each bar's segments are the acquisition channels."
  });
}
