import {csvFormat} from "d3";
import {describe, expect, it} from "vitest";
import {csvSafe} from "../../reports/components/csvSafe.js";

describe("csvSafe(value)", () => {
  it("csvSafe(text) quotes every cell a spreadsheet would run as a formula (OWASP: = + - @ tab CR)", () => {
    expect(csvSafe('=HYPERLINK("http://evil.example","click")')).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(csvSafe("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvSafe("@SUM(1)")).toBe("'@SUM(1)");
    expect(csvSafe("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvSafe("\t=1+1")).toBe("'\t=1+1");
    expect(csvSafe("\r=1+1")).toBe("'\r=1+1");
  });

  it("csvSafe(value) leaves numbers, numeric text, ordinary text, null and undefined alone", () => {
    for (const v of [-12.5, 0, 3, "-12.5", "+4", "-1e-3", "EMEA", "a=b", "", null, undefined, true]) expect(csvSafe(v)).toBe(v);
  });

  it("a CSV written through csvSafe has no cell that starts with a formula character, and -3 still reads as a number", () => {
    const rows = [{name: "=HYPERLINK(\"x\")", n: -3}, {name: "@SUM(1)", n: 4}];
    const text = csvFormat(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvSafe(v)]))));
    expect(text).toBe(`name,n\n"'=HYPERLINK(""x"")",-3\n'@SUM(1),4`);
  });
});
