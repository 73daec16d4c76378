/**
 * The Retention page's figures and cards, so the page reads as prose and charts: which cells a choice of
 * group, granularity and range shows, the four headline figures with the population and window each is
 * over, and the "how these figures fit" block that puts them beside the other pages' retention figures.
 */
import {greatest, rollups, sum} from "npm:d3";
import {html} from "npm:htl";
import type {CohortCell} from "./cohortHeatmap.js";
import {cohortName} from "./cohortHeatmap.js";
import {fmt} from "./format.js";
import {groupInSentence, groupLabel} from "./labels.js";
import type {GroupChoice} from "./ui.js";

export interface RetentionRow extends CohortCell {
  granularity: string;
  by: string;
  group: string;
  retained: number | null;
  repeatRate: number | null;
  churn?: number | null;
}

export interface ChurnRow {
  granularity: string;
  by: string;
  group: string;
  period: string;
  churn: number;
  buyers_before: number;
  withheld: boolean;
  incomplete: boolean;
}

export interface ChurnPoint {
  period: Date;
  value: number;
  count: number;
  incomplete: boolean;
}

/** The figures of the page for one choice (see the module's docblock). */
export function retentionFigures(
  retention: readonly RetentionRow[],
  churnRows: readonly ChurnRow[],
  {granularity, who, within}: {granularity: string; who: GroupChoice; within: (d: Date) => boolean}
) {
  // Weekly cohorts are published for all customers only.
  const shown = granularity === "week" ? {by: "all", group: "all"} : who;
  const of = (d: {by: string; group: string}) => d.by === shown.by && d.group === shown.group;
  const cells = retention.filter((d) => d.granularity === granularity && of(d) && within(d.cohort)).sort((a, b) => +a.cohort - +b.cohort || a.k - b.k);
  const whoName = groupInSentence(shown);
  const complete = cells.filter((d) => d.k === 1 && !d.incomplete && !d.small);
  const secondPeriod = sum(complete, (d) => d.retained ?? 0) / sum(complete, (d) => d.customers ?? 0);
  const firsts = cells.filter((d) => d.k === 0);
  // "Ever ordered again" pools monthly cohorts whatever the granularity: weekly cohorts are small and more of
  // them are withheld, which would move the figure with the setting.
  const repeatMonthly = retention.filter((d) => d.granularity === "month" && d.k === 0 && of(d) && d.repeatRate != null && within(d.cohort));
  const repeatCustomers = sum(repeatMonthly, (d) => d.customers ?? 0);
  const repeatRate = sum(repeatMonthly, (d) => d.repeatRate! * (d.customers ?? 0)) / repeatCustomers;
  // Churn per calendar period, published per group (not rebuilt from cohort cells, which leave out small cohorts).
  const churn: ChurnPoint[] = churnRows
    .filter((d) => d.granularity === granularity && of(d) && !d.withheld && within(new Date(d.period)))
    .map((d) => ({period: new Date(d.period), value: d.churn, count: d.buyers_before, incomplete: d.incomplete}));
  const lastChurn = churn.filter((d) => !d.incomplete).at(-1);
  const best = greatest(complete, (d) => d.rate ?? 0);
  const span = (rows: readonly {cohort: Date}[], period: string) => (rows.length ? `${cohortName(rows[0].cohort, period)} to ${cohortName(rows.at(-1)!.cohort, period)}` : "");
  return {
    granularity,
    cells,
    whoName,
    note: granularity === "week" && who.by !== "all" ? `Weekly cohorts are shown for all customers only; choose months or quarters to see ${groupLabel(who.group)}.` : "",
    complete,
    completeSpan: span(complete, granularity),
    secondPeriod,
    firsts,
    repeat: firsts.filter((d) => d.repeatRate != null),
    repeatMonthly,
    repeatSpan: span(repeatMonthly, "month"),
    repeatCustomers,
    repeatRate,
    churn,
    lastChurn,
    best
  };
}

export type RetentionFigures = ReturnType<typeof retentionFigures>;

const card = (metric: string, title: string, value: string, note: string) =>
  html`<div class="card" data-metric=${metric}><h2>${title}</h2><span class="big">${value}</span><span class="muted">${note}</span></div>`;

/** "3,000 customers", "320 customers in the Enterprise segment": a count of a population named by groupInSentence. */
const counted = (n: number, who: string) => `${fmt.number(n)} ${who.replace(/^all /, "")}`;

/** The four headline cards, each naming its population and window. */
export function retentionCards(f: RetentionFigures, {latestRecord}: {latestRecord: string | null}) {
  const g = f.granularity;
  const firstsShown = f.firsts.filter((d) => !d.small);
  return html`<div class="grid grid-cols-4">
    ${card("next-period", `Ordered again the next ${g}`, f.complete.length ? fmt.percent(f.secondPeriod) : "—", f.complete.length ? `of ${f.whoName} whose first order was in ${f.completeSpan} (${f.complete.length} complete cohorts)` : "no complete cohort in this range")}
    ${card("repeat", "Ordered again, at any time", f.repeatMonthly.length ? fmt.percent(f.repeatRate) : "—", f.repeatMonthly.length ? `of the ${counted(f.repeatCustomers, f.whoName)} whose first order was in ${f.repeatSpan}; a second order on another day up to ${latestRecord ? fmt.date(latestRecord) : "today"}` : "no cohort in this range")}
    ${card("churn", `Lapsed, ${f.lastChurn ? cohortName(f.lastChurn.period, g) : "—"}`, f.lastChurn ? fmt.percent(f.lastChurn.value) : "—", f.lastChurn ? `of the ${counted(f.lastChurn.count, f.whoName)} who ordered the ${g} before, new or returning, ordered nothing in this one (churn)` : "too few customers to show")}
    ${card("cohorts", "Cohorts", fmt.number(f.firsts.length), `${fmt.number(sum(f.firsts, (d) => d.customers ?? 0))} customers${firstsShown.length < f.firsts.length ? ` in the ${firstsShown.length} shown` : ""}, first orders ${f.firsts.length ? `${cohortName(f.firsts[0].cohort, g)} to ${cohortName(f.firsts.at(-1)!.cohort, g)}` : "—"}`)}
  </div>`;
}

/**
 * How the page's figures fit together, and with the other pages' "repeat customers" (Overview) and "expected
 * still active" (Lifetime value): each counts different people over a different window, so they differ by design.
 */
export function howTheseFit(f: RetentionFigures) {
  const g = f.granularity;
  const v = (x: number | undefined, ok: boolean) => (ok && x != null && Number.isFinite(x) ? ` (${fmt.percent(x)})` : "");
  return html`<details class="rapport-fit" open>
    <summary><strong>How these figures fit together</strong></summary>
    <p>They count different people over different spans, so they are not meant to agree.</p>
    <ul>
      <li><strong>Ordered again the next ${g}</strong>${v(f.secondPeriod, f.complete.length > 0)}: new customers, one ${g} after their first order. The narrowest window, so the smallest figure.</li>
      <li><strong>Ordered again, at any time</strong>${v(f.repeatRate, f.repeatMonthly.length > 0)}: the same new customers, from their first order up to the last day of data. Larger, and still growing for recent cohorts.</li>
      <li><strong>Lapsed (churn)</strong>${v(f.lastChurn?.value, !!f.lastChurn)}: everyone who ordered in a ${g}, new or returning, who did not order in the next one. Most customers order a few times a year rather than every ${g}, so a ${g} without an order is common: a high figure here does not mean customers are lost for good. Lower is better.</li>
      <li><strong>Repeat customers</strong> (<a href="./">Overview</a>): of a ${g}'s buyers, the share who had bought before; a view of the buyers, not of a cohort.</li>
      <li><strong>Expected still active</strong> (<a href="./clv">Lifetime value</a>): a model's estimate of the customers who have not left for good, however long since their last order.</li>
    </ul>
  </details>`;
}

/** A group's retention curve pools every complete cell of its cohorts in the range: retained over cohort sizes, per period; points over fewer than 30 customers are left out. */
export function groupCurvePoints(retention: readonly RetentionRow[], {by, granularity, within}: {by: string; granularity: string; within: (d: Date) => boolean}) {
  const cells = retention.filter((d) => d.granularity === granularity && d.by === by && !d.small && !d.incomplete && within(d.cohort));
  return rollups(cells, (v) => ({customers: sum(v, (d) => d.customers ?? 0), retained: sum(v, (d) => d.retained ?? 0)}), (d) => d.group, (d) => d.k)
    .flatMap(([group, ks]) => ks.map(([k, {customers, retained}]) => ({group, k, customers, rate: retained / customers})))
    .filter((d) => d.customers >= 30)
    .sort((a, b) => a.k - b.k);
}

/** A sentence on which group keeps the most customers one period after the first order. */
export function groupCurvesSummary(points: readonly {group: string; k: number; rate: number}[]): string {
  const one = points.filter((d) => d.k === 1).sort((a, b) => b.rate - a.rate);
  return one.length ? `One period after the first order, ${groupLabel(one[0].group)} keeps the most customers (${fmt.percent(one[0].rate)}) and ${groupLabel(one.at(-1)!.group)} the fewest (${fmt.percent(one.at(-1)!.rate)}).` : "Too few customers to compare.";
}
