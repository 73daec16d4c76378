/**
 * The pieces every report page shares: the filters readers expect (who, when,
 * granularity), a card that frames a chart with its text alternative and a CSV
 * download of the data it draws. None of them fetches; each takes rows the
 * page already has.
 *
 * Groups follow `rapport metrics … --by`: loaders publish rows for all
 * customers (by = "all", group = "all") and for each value of each breakdown
 * (by = "segment" | "region" | "channel", group = its value), so the figure a
 * page shows for "Region: EMEA" is the CLI's row with group "EMEA" under
 * `--by region`.
 */
import * as Inputs from "npm:@observablehq/inputs";
import {html} from "npm:htl";
import {downloadButton} from "./download.js";
import {fmt, freshness} from "./format.js";
import {groupLabel} from "./labels.js";

// The CSV download lives in download.ts (Explore uses it without the filters, Inputs or d3).
export {csvNumber, downloadButton, toCsv} from "./download.js";

export interface GroupChoice {
  by: string;
  group: string;
}

const breakdownNames: Record<string, string> = {segment: "Segment", region: "Region", channel: "Channel", plan: "Plan", ticket_channel: "Support channel"};

/** The choices for a group filter, from rows that carry `by` and `group`: all customers first, then each breakdown's values. */
export function groupChoices(rows: Iterable<{by: string; group: string}>): Map<string, GroupChoice> {
  const seen = new Map<string, GroupChoice>([["All customers", {by: "all", group: "all"}]]);
  const sorted = Array.from(rows, ({by, group}) => ({by, group}))
    .filter((d) => d.by !== "all")
    .sort((a, b) => a.by.localeCompare(b.by) || a.group.localeCompare(b.group));
  for (const d of sorted) seen.set(`${breakdownNames[d.by] ?? groupLabel(d.by)}: ${groupLabel(d.group)}`, d);
  return seen;
}

/** A select of groups (Inputs.select over groupChoices); its value is a GroupChoice. */
export function groupSelect(rows: Iterable<{by: string; group: string}>, {label = "Customers"}: {label?: string} = {}) {
  return Inputs.select(groupChoices(rows), {label});
}

/** Whether a row belongs to the chosen group. */
export function inGroup(choice: GroupChoice) {
  return (d: {by: string; group: string}) => d.by === choice.by && d.group === choice.group;
}

export interface DateRange {
  from: Date;
  to: Date;
}

const dayStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/**
 * A range put right: when "from" is after "to" the two are swapped (a reader who typed them the wrong
 * way round meant the span between them), and the note says so; otherwise the note is empty.
 */
export function orderedRange({from, to}: DateRange): DateRange & {note: string} {
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(+from) || Number.isNaN(+to)) return {from, to, note: ""};
  if (+from <= +to) return {from, to, note: ""};
  return {from: to, to: from, note: `“From” (${fmt.date(from)}) was after “to” (${fmt.date(to)}): showing ${fmt.date(to)} to ${fmt.date(from)}.`};
}

/**
 * Two date inputs, from and to; the value is {from, to}. The same default on every page: from the
 * first day of the data (`dates`, or `max` for the last day when the dates are period starts), but
 * never before the first order (freshness.json's firstRecord), to the last day with data. A "from"
 * after "to" is swapped, with a note under the inputs saying so (orderedRange), so no chart is drawn
 * over a reversed range.
 */
export function dateRange(dates: Iterable<Date>, {label = "Period", max: last}: {label?: string; max?: Date | string | null} = {}) {
  const all = Array.from(dates, (d) => +d).filter(Number.isFinite);
  const firstOrder = freshness.firstRecord ? +dayStart(new Date(freshness.firstRecord)) : -Infinity;
  const min = new Date(Math.max(Math.min(...all), firstOrder));
  // Every page's range ends on the data's last day by default (the latest order, freshness.json), not on
  // the start of its last week or month: Retention's last weekly cohort starts on 26 Oct but the data run
  // to 31 Oct, and a reader comparing pages should see one end date. A page whose own data end later
  // (tickets after the last order) passes `max`; dates past the last order are never cut off.
  const latest = last ?? freshness.latestRecord;
  const max = dayStart(new Date(Math.max(...all, latest ? +new Date(latest) : -Infinity)));
  const form = Inputs.form(
    {
      from: Inputs.date({label: `${label} from`, value: min, min, max}),
      to: Inputs.date({label: "to", value: max, min, max})
    },
    {template: (inputs: Record<string, HTMLElement>) => html`<div class="rapport-range">${Object.values(inputs)}</div>`}
  ) as HTMLElement & {value: DateRange};
  const note = html`<p class="rapport-range-note" role="status" aria-live="polite"></p>` as HTMLElement;
  const root = html`<div class="rapport-range-input">${form}${note}</div>` as HTMLElement & {value: DateRange};
  const current = () => {
    const ordered = orderedRange(form.value);
    note.textContent = ordered.note;
    note.hidden = !ordered.note;
    return {from: ordered.from, to: ordered.to};
  };
  current();
  // The form's input events bubble to root, where Generators.input reads root.value.
  form.addEventListener("input", current);
  Object.defineProperty(root, "value", {get: current, set: (v: DateRange) => (form.value = v)});
  return root;
}

const periodEnd: Record<string, (d: Date) => number> = {
  day: (d) => +d + 86_400_000 - 1,
  week: (d) => +d + 7 * 86_400_000 - 1,
  month: (d) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1,
  quarter: (d) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1) - 1
};

/**
 * Whether a date, or the period starting at it, falls within a range (both
 * ends included, whole days in UTC). With a period, a period that overlaps the
 * range counts: "from August 15" keeps August.
 */
export function inRange(range: DateRange, {period = "day"}: {period?: "day" | "week" | "month" | "quarter"} = {}) {
  const from = +range.from;
  const to = +range.to + 86_400_000 - 1;
  const end = periodEnd[period];
  return (date: Date) => end(date) >= from && +date <= to;
}

export interface ChartCardOptions {
  title: string;
  subtitle?: string;
  /** The rows the chart draws, offered as a CSV download. */
  data: readonly Record<string, unknown>[] | (() => readonly Record<string, unknown>[]);
  /** The download's file name (without .csv). */
  filename: string;
  /** A sentence or two saying what the chart shows, for screen readers and for readers who want the gist. */
  summary: string;
}

/**
 * A card holding a chart (an element, or a function of width for `resize`),
 * its title, a plain-words summary as the figure's caption (its text
 * alternative, linked with aria-describedby) and a CSV download of its data.
 */
export function chartCard(chart: Element, {title, subtitle, data, filename, summary}: ChartCardOptions) {
  const id = filename.replace(/[^a-z0-9-]/gi, "-");
  // The card is the figure: its title names it and the summary describes it, whatever the chart redraws inside.
  return html`<div class="card rapport-chart" role="figure" aria-labelledby=${`title-${id}`} aria-describedby=${`summary-${id}`} data-chart=${filename}>
    <div class="rapport-chart-head">
      <div><h2 id=${`title-${id}`}>${title}</h2>${subtitle ? html`<h3>${subtitle}</h3>` : ""}</div>
      ${downloadButton(data, filename)}
    </div>
    ${chart}
    <p class="rapport-summary" id=${`summary-${id}`}>${summary}</p>
  </div>`;
}

type Row = Record<string, unknown>;
type CellFormat = (value: any, i: number, data: readonly any[]) => unknown;

/** Inputs.table's options that reportTable reads for its printed copy; the rest go to Inputs.table as they are. */
export interface ReportTableOptions {
  columns?: string[];
  header?: Record<string, string>;
  format?: Record<string, CellFormat>;
  sort?: string;
  reverse?: boolean;
  /** The most rows the printed copy shows (default 40, about one A4 page); the rest are named in a note. */
  printRows?: number;
  /** What a row is, for the note: "comments", "months" (default "rows"). */
  noun?: string;
  [option: string]: unknown;
}

/**
 * Inputs.table for a report page, in the site's locale, that also prints. On screen it is Inputs.table,
 * which draws rows as they scroll into view (so a printed page would show only the first screenful). In
 * print (the print stylesheet, `rapport pdf`) a plain table takes its place: every row when there are at
 * most `printRows`, else the first `printRows` in the screen's order and a line saying "The first 40 of
 * 180 rows…; all 180 are on the <page> page of the published report and in its CSV download". A PDF is
 * forwarded to be read: one page of rows with a pointer to the rest reads better than pages of numbers,
 * and a link to this machine's address would be dead once forwarded, so the note names the page.
 */
export function reportTable(data: readonly Row[], {printRows = 40, noun = "rows", ...options}: ReportTableOptions = {}) {
  const table = Inputs.table(data as Row[], {locale: fmt.locale, ...options} as Parameters<typeof Inputs.table>[1]);
  const columns = options.columns ?? Object.keys(data[0] ?? {});
  const order = data.map((_, i) => i);
  if (options.sort) {
    const key = options.sort;
    const compare = (a: unknown, b: unknown) => (a == null ? 1 : b == null ? -1 : (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);
    order.sort((i, j) => compare(data[i][key], data[j][key]) * (options.reverse ? -1 : 1) || i - j);
  }
  const shown = order.slice(0, printRows);
  const cell = (column: string, i: number) => {
    const value = data[i][column];
    const format = options.format?.[column];
    if (format) return format(value, i, data);
    if (value == null) return "";
    if (value instanceof Date) return fmt.date(value);
    if (typeof value === "number") return fmt.number(value, {digits: Number.isInteger(value) ? 0 : 2});
    return String(value);
  };
  const page = (typeof document !== "undefined" && document.querySelector("main h1")?.textContent?.trim()) || "this";
  const note =
    data.length > shown.length
      ? html`<p class="rapport-print-note">The first ${fmt.number(shown.length)} of ${fmt.number(data.length)} ${noun}, in the order shown on screen; all ${fmt.number(data.length)} are on the “${page}” page of the published report and in its CSV download.</p>`
      : "";
  const printed = html`<div class="rapport-print-table" data-rows=${shown.length} data-of=${data.length}>
    <table>
      <thead><tr>${columns.map((c) => html`<th>${options.header?.[c] ?? c}</th>`)}</tr></thead>
      <tbody>${shown.map((i) => html`<tr>${columns.map((c) => html`<td class=${typeof data[i][c] === "number" ? "num" : ""}>${cell(c, i)}</td>`)}</tr>`)}</tbody>
    </table>
    ${note}
  </div>`;
  // The value is the table's (its selection), so a page can still read it with Generators.input.
  const root = html`<div class="rapport-table">${table}${printed}</div>` as HTMLElement & {value: unknown};
  Object.defineProperty(root, "value", {get: () => (table as HTMLElement & {value: unknown}).value});
  return root;
}
