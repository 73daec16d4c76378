// The pages' one format module: reference strings written out by hand from CLDR's conventions
// (en-GB day-first, de-DE "1.234,50 €", pt-BR "R$ 1.234"), not from the code under test.
import {describe, expect, it} from "vitest";
import {makeFormats} from "../../reports/components/formatCore.js";
import {columnName, groupInSentence, groupLabel} from "../../reports/components/labels.js";
import {configSchema} from "../../src/config.js";

const day = new Date("2026-10-07T00:00:00Z");
// Intl puts a no-break space (U+00A0) or a narrow one (U+202F) where people write a space.
const plain = (s: string) => s.replace(/[\u00a0\u202f\u2009]/g, " ");

describe("makeFormats", () => {
  it("writes money in the data set's currency with the locale's marks", () => {
    expect(makeFormats({locale: "en-US", currency: "USD"}).money(1234.5)).toBe("$1,235");
    expect(makeFormats({locale: "en-GB", currency: "GBP"}).money(1234.5, {digits: 2})).toBe("£1,234.50");
    expect(plain(makeFormats({locale: "de-DE", currency: "EUR"}).money(1234.5, {digits: 2}))).toBe("1.234,50 €");
    expect(plain(makeFormats({locale: "pt-BR", currency: "BRL"}).money(1234))).toBe("R$ 1.234");
    expect(makeFormats({locale: "en-GB", currency: "GBP"}).symbol).toBe("£");
    // No currency named by any export: a plain number, no symbol guessed.
    expect(makeFormats({locale: "en-US", currency: null}).money(1234)).toBe("1,234");
    expect(makeFormats({locale: "en-US", currency: null}).symbol).toBe("");
  });
  it("puts the day first in en-GB and de-DE, the month first in en-US", () => {
    expect(makeFormats({locale: "en-US", currency: null}).date(day)).toBe("Oct 7, 2026");
    expect(makeFormats({locale: "en-GB", currency: null}).date(day)).toBe("7 Oct 2026");
    expect(makeFormats({locale: "de-DE", currency: null}).date(day)).toBe("07.10.2026");
    expect(makeFormats({locale: "en-GB", currency: null}).month(day)).toBe("October 2026");
    // A range as the locale writes one (CLDR interval formats): month first in en-US, day first in en-GB.
    expect(plain(makeFormats({locale: "en-US", currency: null}).range("2026-10-01", "2026-10-31"))).toBe("Oct 1 – 31, 2026");
    expect(plain(makeFormats({locale: "en-GB", currency: null}).range("2026-10-01", "2026-10-31"))).toMatch(/^1 ?– ?31 Oct 2026$/);
    expect(plain(makeFormats({locale: "en-GB", currency: null}).range("2025-12-01", "2026-01-31"))).toBe("1 Dec 2025 – 31 Jan 2026");
    // A UTC date stays its day whatever the reader's time zone (the last hour of the day included).
    expect(makeFormats({locale: "en-GB", currency: null}).date("2026-10-07T23:30:00Z")).toBe("7 Oct 2026");
  });
  it("writes percentages and numbers with the locale's marks", () => {
    expect(makeFormats({locale: "en-US", currency: null}).percent(0.1484)).toBe("14.8%");
    expect(plain(makeFormats({locale: "de-DE", currency: null}).percent(0.1484))).toBe("14,8 %");
    expect(makeFormats({locale: "en-US", currency: null}).percent(-0.05, {digits: 0, signed: true})).toBe("-5%");
    expect(makeFormats({locale: "de-DE", currency: null}).number(12345.678, {digits: 1})).toBe("12.345,7");
    // Scores and changes on a ±100 scale: a plus sign, a true minus sign (U+2212), and a plain 0 for what rounds to zero.
    const en = makeFormats({locale: "en-US", currency: null});
    expect([12.4, -3.6, -0.4, 0.4, 0].map((x) => en.number(x, {signed: true}))).toEqual(["+12", "\u22124", "0", "0", "0"]);
    expect(makeFormats({locale: "de-DE", currency: null}).number(-1234.56, {digits: 1, signed: true})).toBe("\u22121.234,6");
  });
  it("writes one duration style for every page: minutes under an hour, hours under two days, then days", () => {
    const f = makeFormats({locale: "en-US", currency: null});
    // 0.4833 h is the sample's median first answer: "29 minutes" on the Service page and the Overview alike (not "0.5 h").
    expect(f.duration(0.4833)).toBe("29 minutes");
    expect(f.duration(1 / 60)).toBe("1 minute");
    expect(f.duration(5.25)).toBe("5.3 hours");
    expect(f.duration(72)).toBe("3.0 days");
    expect(makeFormats({locale: "de-DE", currency: null}).duration(5.25)).toBe("5,3 hours");
  });
});

describe("labels", () => {
  it("turns internal values into reader names and keeps reader names", () => {
    expect(groupLabel("paid_search")).toBe("Paid search");
    expect(groupLabel("enterprise")).toBe("Enterprise");
    expect(groupLabel("Enterprise")).toBe("Enterprise");
    expect(groupLabel("EMEA")).toBe("EMEA");
    expect(groupLabel("smb")).toBe("SMB");
    expect(groupLabel("all")).toBe("All customers");
    expect(groupLabel("North America")).toBe("North America");
  });
  it("names a group inside a sentence without the filter's 'Segment:' prefix", () => {
    expect(groupInSentence({by: "segment", group: "Enterprise"})).toBe("customers in the Enterprise segment");
    expect(groupInSentence({by: "channel", group: "paid_search"})).toBe("customers acquired through Paid search");
    expect(groupInSentence({by: "all", group: "all"})).toBe("all customers");
  });
  it("makes snake_case CSV column names", () => {
    expect(columnName("npsAfterService")).toBe("nps_after_service");
    expect(columnName("net_revenue")).toBe("net_revenue");
    expect(columnName("First answer (h)")).toBe("first_answer_h");
  });
});

describe("config locale", () => {
  it("defaults to en-US, takes en-GB, de-DE, pt-BR and refuses what is not a locale", () => {
    expect(configSchema.parse({}).locale).toBe("en-US");
    for (const locale of ["en-GB", "de-DE", "pt-BR"]) expect(configSchema.parse({locale}).locale).toBe(locale);
    const bad = configSchema.safeParse({locale: "english please"});
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("is not a locale");
  });
});
