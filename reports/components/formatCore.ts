/**
 * Number, money, date and duration formats for one locale and one currency:
 * the pure half of format.ts (which reads the data set's locale and currency
 * from data/freshness.json and exports one set of these for every page and
 * component). No imports, so it runs under vitest as it does in the browser.
 *
 * - locale: a BCP 47 tag ("en-US", "en-GB", "de-DE", "pt-BR"), from
 *   rapport.config.json `locale`; it sets the decimal and grouping marks and
 *   the order of day, month and year.
 * - currency: the ISO 4217 code of the data set's amounts (GBP shows "£",
 *   BRL "R$" in pt-BR and "R$" elsewhere as Intl decides), or null when no
 *   export names one: amounts are then plain numbers, no symbol guessed.
 *
 * Dates are calendar dates in UTC (the warehouse's), whatever the reader's
 * time zone. Intl.NumberFormat and Intl.DateTimeFormat do the work; they are
 * built once per format and reused, as they are slow to construct.
 */
export interface FormatSettings {
  locale: string;
  currency: string | null;
}

export interface Formats {
  locale: string;
  currency: string | null;
  /** An amount in the data set's currency: money(1234.5) → "$1,235"; {digits: 2} → "$1,234.50". */
  money(x: number, options?: {digits?: number}): string;
  /** The currency's symbol as the locale writes it ("$", "£", "R$"), or "" without a currency; for axis labels. */
  symbol: string;
  /**
   * A count or measure: number(12345) → "12,345"; {digits: 1} → "12,345.0".
   * {signed: true} writes a change or a score on a ±100 scale: "+5", "−3" (a true minus sign) and
   * "0" for anything that rounds to zero, never "+0" or "−0".
   */
  number(x: number, options?: {digits?: number; signed?: boolean}): string;
  /** A share 0–1 as a percentage: percent(0.1234) → "12.3%"; {digits: 0} → "12%". */
  percent(x: number, options?: {digits?: number; signed?: boolean}): string;
  /** A day: date(d) → "Oct 31, 2026" (en-US) or "31 Oct 2026" (en-GB); {style: "long"} spells the month. */
  date(d: Date | string | number, options?: {style?: "short" | "medium" | "long"}): string;
  /** The days from start to end, both included, as the locale writes a range: "Oct 1 – 31, 2026" (en-US), "1–31 Oct 2026" (en-GB). */
  range(start: Date | string | number, end: Date | string | number): string;
  /** A date and time in UTC, medium date and short time. */
  dateTime(d: Date | string | number): string;
  /** A month: month(d) → "October 2026"; {short: true} → "Oct 2026". */
  month(d: Date | string | number, options?: {short?: boolean}): string;
  /** A duration given in hours, in the one style every page uses: "29 minutes", "5.2 hours", "3.1 days". */
  duration(hours: number): string;
}

const toDate = (d: Date | string | number) => (d instanceof Date ? d : new Date(d));

/** The formats for a locale and currency (see the module's docblock). An unknown locale throws a RangeError naming it. */
export function makeFormats({locale, currency}: FormatSettings): Formats {
  const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
  const nf = (key: string, options: Intl.NumberFormatOptions) => {
    if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale, options));
    return cache.get(key) as Intl.NumberFormat;
  };
  const df = (key: string, options: Intl.DateTimeFormatOptions) => {
    if (!cache.has(key)) cache.set(key, new Intl.DateTimeFormat(locale, {timeZone: "UTC", ...options}));
    return cache.get(key) as Intl.DateTimeFormat;
  };
  const number = (x: number, {digits = 0, signed = false}: {digits?: number; signed?: boolean} = {}) =>
    signed
      ? nf(`s${digits}`, {minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: "exceptZero"}).format(x).replace("-", "\u2212")
      : nf(`n${digits}`, {minimumFractionDigits: digits, maximumFractionDigits: digits}).format(x);
  const money = (x: number, {digits = 0}: {digits?: number} = {}) =>
    currency ? nf(`m${digits}`, {style: "currency", currency, currencyDisplay: "narrowSymbol", minimumFractionDigits: digits, maximumFractionDigits: digits}).format(x) : number(x, {digits});
  const symbol = currency ? (nf("m0", {style: "currency", currency, currencyDisplay: "narrowSymbol", maximumFractionDigits: 0}).formatToParts(0).find((p) => p.type === "currency")?.value ?? currency) : "";
  const oneDecimal = (x: number) => number(x, {digits: 1});
  return {
    locale,
    currency,
    money,
    symbol,
    number,
    percent: (x, {digits = 1, signed = false} = {}) =>
      nf(`p${digits}${signed}`, {style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: signed ? "exceptZero" : "auto"}).format(x),
    date: (d, {style = "medium"} = {}) => df(`d${style}`, {dateStyle: style}).format(toDate(d)),
    range: (start, end) => (df("r", {day: "numeric", month: "short", year: "numeric"}) as Intl.DateTimeFormat).formatRange(toDate(start), toDate(end)),
    dateTime: (d) => df("dt", {dateStyle: "medium", timeStyle: "short"}).format(toDate(d)),
    month: (d, {short = false} = {}) => df(`m${short}`, {month: short ? "short" : "long", year: "numeric"}).format(toDate(d)),
    duration: (hours) => {
      if (hours < 1) {
        const minutes = Math.round(hours * 60);
        return minutes === 1 ? "1 minute" : `${minutes} minutes`;
      }
      if (hours < 48) return `${oneDecimal(hours)} hours`;
      return `${oneDecimal(hours / 24)} days`;
    }
  };
}
