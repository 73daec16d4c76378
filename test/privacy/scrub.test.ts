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
