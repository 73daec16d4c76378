/**
 * The segment, region and channel pages (reports/[kind]/[group].md): the headline cards, the NPS by
 * quarter with its 95% range, and the table of quarterly cohorts, from one group's rows of
 * data/groups.json (reports/data/groups.json.ts). Every figure says whom it counts, over which window and
 * how sure it is, in plain words. Withheld cells carry no count; the text says why they are missing.
 */
import * as Plot from "npm:@observablehq/plot";
import {html} from "npm:htl";
import {fmt} from "./format.js";

// The rows of data/groups.json: their one definition is the code that computes them (type-only, erased in the browser).
import type {GroupCohort, GroupFigures, GroupQuarterNps, GroupsFile} from "../../src/results/groups.js";
export type {GroupCohort, GroupsFile};
export type GroupNps = GroupQuarterNps;
export type GroupData = GroupFigures;

const nouns = {segment: "segment", region: "region", channel: "acquisition channel"} as const;
// The site's locale and the data set's currency (format.ts), as on every other page.
const int = (n: number) => fmt.number(n);
const pct = (x: number) => fmt.percent(x, {digits: 0});
const signed = (x: number) => fmt.number(x, {signed: true});
const money = (x: number) => fmt.money(x);
const longDate = (iso: string) => fmt.date(iso, {style: "long"});

/** "Q3 2026" for the quarter starting on the ISO date. */
export function quarterName(iso: string): string {
  const d = new Date(iso);
  return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
}

/** The quarter after the one starting on the ISO date, by name. */
function nextQuarterName(iso: string): string {
  const d = new Date(iso);
  return quarterName(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1)).toISOString());
}

/** The group, page by page: whom it holds and the window, in one sentence. */
export function groupIntro(g: GroupData, file: GroupsFile): string {
  const who = g.customers === null ? `The ${g.label} ${nouns[g.by]}'s number of customers is withheld, so that a total cannot give a smaller group away.` : `The ${g.label} ${nouns[g.by]} has ${int(g.customers)} customers.`;
  return `${who} The data run from ${longDate(file.window.from)} to ${longDate(file.window.to)}; every figure below is this ${nouns[g.by]}'s alone.`;
}

/** The last quarter that is over and shown, and whether later complete quarters were withheld. */
export function latestNps(rows: readonly GroupNps[]): {row: GroupNps | undefined; skipped: number} {
  const complete = rows.filter((r) => !r.incomplete);
  const shown = complete.filter((r) => !r.withheld);
  const row = shown.at(-1);
  return {row, skipped: row ? complete.filter((r) => r.period > row.period).length : complete.length};
}

/** The latest cohort whose next quarter is over and that is shown. */
export function latestCohort(rows: readonly GroupCohort[]): GroupCohort | undefined {
  return rows.filter((r) => !r.withheld && r.nextQuarter != null).at(-1);
}

function card(metric: string, title: string, big: string, muted: string) {
  return html`<div class="card" data-metric=${metric}><h2>${title}</h2><span class="big">${big}</span><span class="muted">${muted}</span></div>`;
}

/** The three headline cards: NPS, came back the next quarter, expected value. */
export function groupCards(g: GroupData, {minGroupSize, window}: GroupsFile) {
  const {row: n, skipped} = latestNps(g.nps);
  const npsCard = n
    ? card(
        "nps",
        `NPS, ${quarterName(n.period)}`,
        signed(n.nps!),
        `${int(n.responses!)} customers answered; the true figure is likely between ${signed(n.low!)} and ${signed(n.high!)} (95% range)` +
          (skipped ? `. ${skipped === 1 ? "The quarter after had" : `The ${skipped} quarters after had`} too few answers to show.` : "")
      )
    : card("nps", "NPS", "—", `No quarter had ${minGroupSize} or more answers that can be shown.`);
  const c = latestCohort(g.cohorts);
  const retentionCard = c
    ? card(
        "retention",
        "Came back the next quarter",
        pct(c.nextQuarter!),
        `of the ${int(c.customers!)} customers whose first order was in ${quarterName(c.cohort)} ordered again in ${nextQuarterName(c.cohort)}; ${pct(c.repeatRate!)} of them have ordered again by ${longDate(window.to)}`
      )
    : card("retention", "Came back the next quarter", "—", "No cohort large enough to show has had its next quarter yet.");
  const v = g.clv;
  const clvCard =
    v && v.meanClv12 !== null
      ? card(
          "clv",
          `Expected value per customer, next ${v.months} months`,
          money(v.meanClv12),
          `${v.customers === null ? "Over this group's customers with an order" : `Over the ${int(v.customers)} customers with an order`}, forecast from their purchases so far (discounted ${Math.round(v.monthlyDiscount * 100)}% a month).` +
            (v.holdout ? ` Tested on the data's last quarter, the forecast of repeat purchases was ${pct(v.holdout.error)} off (${int(v.holdout.predicted)} forecast, ${int(v.holdout.actual)} made).` : "")
        )
      : card("clv", "Expected value per customer", "—", "Too few customers with an order to forecast.");
  return [npsCard, retentionCard, clvCard];
}

/** NPS by quarter: a dot per quarter shown, its 95% range as a vertical bar; withheld quarters are left empty. */
export function npsQuarterChart(rows: readonly GroupNps[], {width}: {width: number}) {
  const shown = rows.filter((r) => !r.withheld).map((r) => ({...r, date: new Date(r.period), low: r.low!, high: r.high!}));
  return Plot.plot({
    width,
    height: 280,
    marginLeft: 44,
    // On a phone: "Q4 '23", slanted.
    marginBottom: width < 600 ? 44 : 30,
    x: {type: "band", domain: rows.map((r) => quarterName(r.period)), label: null, tickRotate: width < 600 ? -45 : 0, tickFormat: (d: string) => (width < 600 ? d.replace(/ \d\d(\d\d)$/, " '$1") : d)},
    y: {domain: [-100, 100], grid: true, label: "NPS (−100 to +100)"},
    marks: [
      Plot.ruleY([0], {stroke: "currentColor", strokeOpacity: 0.4}),
      Plot.ruleX(shown, {x: (d) => quarterName(d.period), y1: "low", y2: "high", stroke: "var(--theme-foreground-focus)", strokeOpacity: 0.45, strokeWidth: 6}),
      Plot.dot(shown, {
        x: (d) => quarterName(d.period),
        y: "nps",
        r: 4.5,
        // A quarter not over yet is an open circle.
        fill: (d) => (d.incomplete ? "var(--theme-background)" : "var(--theme-foreground-focus)"),
        stroke: (d) => (d.incomplete ? "var(--theme-foreground-focus)" : "var(--theme-background)"),
        strokeWidth: 1.5,
        tip: true,
        title: (d) =>
          `${quarterName(d.period)}${d.incomplete ? " (not over yet)" : ""}\nNPS ${signed(d.nps!)}, likely between ${signed(d.low)} and ${signed(d.high)}\n${int(d.responses!)} answers: ${pct(d.promoterShare!)} promoters, ${pct(d.detractorShare!)} detractors`
      })
    ]
  });
}

/** The chart's text alternative. */
export function npsSummary(g: GroupData): string {
  const shown = g.nps.filter((r) => !r.withheld);
  const withheld = g.nps.length - shown.length;
  if (!shown.length) return `No quarter of the ${g.label} ${nouns[g.by]} had enough answers to show an NPS.`;
  const lo = shown.reduce((a, b) => (b.nps! < a.nps! ? b : a));
  const hi = shown.reduce((a, b) => (b.nps! > a.nps! ? b : a));
  return (
    `NPS of the ${g.label} ${nouns[g.by]} by quarter, from ${quarterName(g.nps[0].period)} to ${quarterName(g.nps.at(-1)!.period)}: lowest ${signed(lo.nps!)} in ${quarterName(lo.period)}, highest ${signed(hi.nps!)} in ${quarterName(hi.period)}. ` +
    (g.nps.at(-1)!.incomplete ? `${quarterName(g.nps.at(-1)!.period)} is not over yet (open circle). ` : "") +
    `The bars show where the true figure likely is; with few answers they are wide, so quarters whose bars overlap may not differ.` +
    (withheld ? ` ${withheld} ${withheld === 1 ? "quarter is" : "quarters are"} left empty: too few answers to show, or withheld so a total cannot give a small group away.` : "")
  );
}

/** Quarterly cohorts: size, came back the next quarter, ordered again by now. */
export function cohortTable(rows: readonly GroupCohort[]) {
  return html`<table class="rapport-cohorts">
    <thead><tr><th>First order in</th><th class="num">Customers</th><th class="num">Ordered in the next quarter</th><th class="num">Ordered again, by now</th></tr></thead>
    <tbody>${[...rows].reverse().map((r) =>
      r.withheld
        ? html`<tr class="muted"><td>${quarterName(r.cohort)}</td><td class="num" colspan="3">withheld (fewer than the minimum, or would give a small group away)</td></tr>`
        : html`<tr><td>${quarterName(r.cohort)}</td><td class="num">${int(r.customers!)}</td><td class="num">${r.nextQuarter == null ? "quarter not over" : pct(r.nextQuarter)}</td><td class="num">${pct(r.repeatRate!)}</td></tr>`
    )}</tbody>
  </table>`;
}

/** The cohort table's rows for the CSV download (rounded, withheld cells empty). */
export function cohortRows(rows: readonly GroupCohort[]) {
  return rows.map((r) => ({
    first_order_quarter: quarterName(r.cohort),
    customers: r.withheld ? null : r.customers,
    ordered_next_quarter: r.withheld || r.nextQuarter == null ? null : Math.round(r.nextQuarter * 1000) / 1000,
    ordered_again_by_now: r.withheld ? null : Math.round(r.repeatRate! * 1000) / 1000,
    withheld: r.withheld
  }));
}

/** The NPS chart's rows for the CSV download. */
export function npsRows(rows: readonly GroupNps[]) {
  const r1 = (x: number | undefined) => (x === undefined ? null : Math.round(x * 10) / 10);
  return rows.map((r) => ({quarter: quarterName(r.period), quarter_not_over: r.incomplete, withheld: r.withheld, responses: r.responses ?? null, nps: r1(r.nps), nps_low: r1(r.low), nps_high: r1(r.high)}));
}

/** "Each segment has its own page: Enterprise · Mid-market · SMB", linked, for the pages that name groups (group-pages.json). */
export function groupLinks(pages: readonly {by: string; path: string; slug: string; label: string}[], by: string) {
  const mine = pages.filter((p) => p.by === by);
  if (!mine.length) return html``;
  const noun = nouns[by as keyof typeof nouns] ?? by;
  return html`<p class="rapport-group-links">Each ${noun} has its own page: ${mine.map((p, i) => html`${i ? " · " : ""}<a href=${`./${p.path}/${p.slug}`}>${p.label}</a>`)}</p>`;
}
