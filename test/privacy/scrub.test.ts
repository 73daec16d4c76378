import {readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {pseudonym, pseudonymKey, scrubber} from "../../src/privacy/scrub.js";
import {tempTree} from "../support/fixtures.js";

describe("scrubber", () => {
  const scrub = scrubber(["Ada Lovelace", "Ben Ng", "Zoë Quackenbush"]);

  it("scrubber(names)(text) removes e-mails, links, phones and customers' names", () => {
    expect(scrub("Call me on +44 20 7946 0062 or write to ada.lovelace.1@example.com, see https://example.com/x?y=1")).toBe(
      "Call me on [phone] or write to [email], see [link]"
    );
    expect(scrub("Ada Lovelace was great; ask for Lovelace or zoë quackenbush")).toBe("[name] was great; ask for [name] or [name]");
  });

  it("scrubber(names)(text) leaves ordinary words, short names and small numbers alone", () => {
    expect(scrub("Ng helped with order 12345 on 2024-01-05; the adage holds")).toBe("Ng helped with order 12345 on 2024-01-05; the adage holds");
    expect(scrub("Ben helped")).toBe("[name] helped");
    expect(scrub(null)).toBeNull();
  });
});

describe("scrubber: any personal pattern, and customer ids", () => {
  const scrub = scrubber(["Ada Lovelace"], ["c-00012", "CUST-XY-7", "4711"]);

  it("scrubber(names, ids)(text) removes IBANs and card numbers that pass their checks, whoever's", () => {
    // DE89 3704 0044 0532 0130 00 is the ISO 13616 example IBAN; 4111 1111 1111 1111 the classic Visa test number (Luhn-valid).
    expect(scrub("Refund to DE89 3704 0044 0532 0130 00 please")).toBe("Refund to [iban] please");
    expect(scrub("Refund to GB82WEST12345698765432 please")).toBe("Refund to [iban] please");
    expect(scrub("Charged twice on 4111 1111 1111 1111 and 5500-0000-0000-0004")).toBe("Charged twice on [card] and [card]");
    // One digit off: not an IBAN or a card (the digits still go, as a phone-like run, in free text).
    expect(scrub("Reference DE89 3704 0044 0532 0130 01")).not.toContain("[iban]");
    expect(scrub("Order 4111 1111 1111 1112")).not.toContain("[card]");
  });

  it("scrubber(names, ids)(text) removes customer ids as whole tokens, in any case, and leaves short or numeric ids and longer words alone", () => {
    expect(scrub("I am customer c-00012, please call")).toBe("I am customer [customer], please call");
    expect(scrub("Account cust-xy-7 was charged")).toBe("Account [customer] was charged");
    expect(scrub("c-000123 and abc-00012 are not ids; 4711 is a number")).toBe("c-000123 and abc-00012 are not ids; 4711 is a number");
  });

  it("scrubber(names)(text) still removes bare digit runs that may be phones, but not dates or decimals", () => {
    expect(scrub("ring 02079460062 today")).toBe("ring [phone] today");
    expect(scrub("on 2024-01-05 it cost 1234.56")).toBe("on 2024-01-05 it cost 1234.56");
  });
});

describe("pseudonym", () => {
  it("pseudonym(id, key) is stable for a key, differs across keys and does not contain the id", () => {
    expect(pseudonym("c-00001", "k1")).toBe(pseudonym("c-00001", "k1"));
    expect(pseudonym("c-00001", "k1")).not.toBe(pseudonym("c-00001", "k2"));
    expect(pseudonym("c-00001", "k1")).toMatch(/^[0-9a-f]{16}$/);
  });

  it("pseudonymKey(file) takes RAPPORT_PSEUDONYM_KEY, else creates a random key once and keeps it", () => {
    const file = join(tempTree({}), ".rapport", "pseudonym.key");
    expect(pseudonymKey(file, {RAPPORT_PSEUDONYM_KEY: "from-env"})).toBe("from-env");
    const key = pseudonymKey(file, {});
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(pseudonymKey(file, {})).toBe(key);
    expect(readFileSync(file, "utf-8")).toBe(key);
  });
});
