/**
 * The one set of formats every page and component uses (see formatCore.ts):
 * money in the data set's currency, numbers, percentages, dates, months and
 * durations in the locale of rapport.config.json (`locale`, default en-US),
 * both published in data/freshness.json. Importing it also sets `lang` on the
 * page, so screen readers and the browser's hyphenation follow the locale.
 *
 *   import {fmt} from "./components/format.js";
 *   fmt.money(1234) // "$1,234", "£1,234", "R$ 1.234"
 */
import {FileAttachment} from "observablehq:stdlib";
import {makeFormats, type Formats} from "./formatCore.js";

/** data/freshness.json: when the data was built and loaded, its first and latest order, currency and locale. */
export const freshness = (await FileAttachment("../data/freshness.json").json()) as {
  builtAt: string;
  loadedAt: string | null;
  firstRecord?: string | null;
  latestRecord: string | null;
  currency?: string | null;
  locale?: string;
};

export const fmt: Formats = makeFormats({locale: freshness.locale ?? "en-US", currency: freshness.currency ?? null});
if (typeof document !== "undefined") document.documentElement.lang = fmt.locale;

export {groupLabel, groupInSentence, columnName} from "./labels.js";
