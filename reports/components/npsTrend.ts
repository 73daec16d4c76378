import * as Plot from "npm:@observablehq/plot";

export interface NpsPoint {
  period: Date;
  responses: number;
  nps?: number;
  moe?: number;
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
export function npsTrend(rows: readonly NpsPoint[], {width = 640, height = 300} = {}) {
  const shown = rows.filter((d) => !d.withheld && d.nps !== undefined) as Required<NpsPoint>[];
  const complete = shown.filter((d) => !d.incomplete);
  return Plot.plot({
    width,
    height,
    marginLeft: 50,
    x: {type: "utc", label: null},
    y: {label: "Net Promoter Score", domain: [-100, 100], grid: true},
    marks: [
      Plot.areaY(shown, {x: "period", y1: (d: Required<NpsPoint>) => Math.max(-100, d.nps - d.moe), y2: (d: Required<NpsPoint>) => Math.min(100, d.nps + d.moe), fill: "var(--theme-foreground-focus)", fillOpacity: 0.15, curve: "step"}),
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
          `${d.period.toLocaleDateString("en", {month: "long", year: "numeric", timeZone: "UTC"})}\nNPS ${d.nps.toFixed(0)} (95% interval ${Math.max(-100, d.nps - d.moe).toFixed(0)} to ${Math.min(100, d.nps + d.moe).toFixed(0)})\n${d.responses} responses` +
          (d.significant ? "\nchange from the month before larger than chance" : "") +
          (d.small ? "\nfew responses: read with care" : "") +
          (d.incomplete ? "\nmonth not over yet" : "")
      })
    ],
    ariaLabel: "Net Promoter Score by month with its 95% interval as a band",
    ariaDescription: "Filled dots mark changes larger than chance; the last month is dashed while it is not over."
  });
}
