/** bench/report.ts: the README keeps the last run of each size, each run replacing only its own. */
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {updateReadme} from "../../bench/report.js";

const readme = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "rapport-bench-readme-")), "README.md");
  writeFileSync(path, text);
  return path;
};
const section = (customers: number, body: string) => `<!-- bench:run ${customers} -->\n${body}\n<!-- /bench:run ${customers} -->`;

describe("updateReadme(path, table, customers)", () => {
  it("updateReadme(path, table, customers) replaces the section of its size whole and leaves the other sizes and the text around them as they were", () => {
    const path = readme(`# Benchmarks\n\nBefore.\n\n${section(10000, "smoke: old table and what it says")}\n\n${section(1000000, "million: table and what it says")}\n\nAfter.\n`);
    updateReadme(path, "NEW TABLE", 10000);
    const text = readFileSync(path, "utf-8");
    expect(text).not.toContain("smoke: old table");
    expect(text).toContain(section(1000000, "million: table and what it says"));
    expect(text.startsWith("# Benchmarks\n\nBefore.\n\n<!-- bench:run 10000 -->\n### 10,000 customers\n\nNEW TABLE\n\n#### What it says\n\n_Not written yet")).toBe(true);
    expect(text.endsWith("<!-- /bench:run 10000 -->\n\n<!-- bench:run 1000000 -->\nmillion: table and what it says\n<!-- /bench:run 1000000 -->\n\nAfter.\n")).toBe(true);
  });

  it("updateReadme(path, table, customers) puts a size seen for the first time among the others in order of size", () => {
    const path = readme(`# B\n\n${section(10000, "smoke")}\n\n${section(10000000, "ten million")}\n\nAfter.\n`);
    updateReadme(path, "MILLION", 1000000);
    updateReadme(path, "HUNDRED MILLION", 100000000);
    updateReadme(path, "THOUSAND", 1000);
    const text = readFileSync(path, "utf-8");
    const order = [...text.matchAll(/<!-- bench:run (\d+) -->/g)].map((m) => Number(m[1]));
    expect(order).toEqual([1000, 10000, 1000000, 10000000, 100000000]);
    expect(text).toContain(section(10000, "smoke"));
    expect(text).toContain(section(10000000, "ten million"));
    expect(text.endsWith("<!-- /bench:run 100000000 -->\n\nAfter.\n")).toBe(true);
    expect(text.match(/MILLION\n/g)).toHaveLength(2);
  });

  it("updateReadme(path, table, customers) appends the first section to a README that has none, and a rerun of that size replaces it", () => {
    const path = readme("# Benchmarks\n\nIntro.\n");
    updateReadme(path, "FIRST", 10000);
    updateReadme(path, "SECOND", 10000);
    const text = readFileSync(path, "utf-8");
    expect(text.startsWith("# Benchmarks\n\nIntro.\n\n<!-- bench:run 10000 -->\n### 10,000 customers\n\nSECOND\n")).toBe(true);
    expect(text).not.toContain("FIRST");
    expect(text.match(/<!-- bench:run 10000 -->/g)).toHaveLength(1);
  });
});
