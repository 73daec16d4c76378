/**
 * `rapport pdf` against the built site: the PDF holds each page's heading on its first page, every PDF
 * page carries the data's date range and the build time, and no control (button, input) is printed.
 * Text is read with pdftotext (Debian's poppler-utils), independently of what wrote the PDF.
 */
import {execFileSync} from "node:child_process";
import {existsSync, mkdtempSync, readFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, inject, it, vi} from "vitest";
import type {Browser} from "playwright-core";
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFString} from "pdf-lib";
import {exitCodes, main} from "../../src/cli/main.js";
import {launchChromium} from "../support/browser.js";
import {waitForPage} from "../support/page.js";
import {publishedActivitySql} from "../../src/metrics/activity.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const siteUrl = inject("siteUrl");
const distDir = inject("distDir");
const pdftotext = "/usr/bin/pdftotext";

/** The first and last order day of the bundled sample, read from the CSV itself (not from the site). */
function sampleRange(): [string, string] {
  const days = readFileSync(new URL("../../data/sample/orders.csv", import.meta.url), "utf-8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",")[2].slice(0, 10))
    .sort();
  const long = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString("en", {dateStyle: "long", timeZone: "UTC"});
  return [long(days[0]), long(days.at(-1)!)];
}

/** The page's h1, from the built HTML. */
function heading(file: string): string {
  const match = readFileSync(join(distDir, file), "utf-8").match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
  return match![1].replace(/<[^>]+>/g, "").trim();
}

/** Every link (URI action) in the PDF. */
async function links(pdf: string): Promise<string[]> {
  const doc = await PDFDocument.load(readFileSync(pdf));
  return doc.getPages().flatMap((page) =>
    (page.node.lookupMaybe(PDFName.of("Annots"), PDFArray)?.asArray() ?? []).flatMap((ref) => {
      const uri = doc.context.lookup(ref, PDFDict).lookupMaybe(PDFName.of("A"), PDFDict)?.lookupMaybe(PDFName.of("URI"), PDFString);
      return uri ? [uri.decodeText()] : [];
    })
  );
}

function pageText(pdf: string, page: number): string {
  return execFileSync(pdftotext, ["-layout", "-f", String(page), "-l", String(page), pdf, "-"], {encoding: "utf-8"});
}

describe("rapport pdf", () => {
  it("rapport pdf index retention --out FILE writes one PDF: each page's heading, the data's range and build time on every page", async () => {
    expect(existsSync(pdftotext), "pdftotext (apt-get install poppler-utils) reads the PDF").toBe(true);
    const out = join(mkdtempSync(join(tmpdir(), "rapport-pdf-")), "report.pdf");
    const err: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
    let code;
    try {
      code = await main(["pdf", "index", "retention", "--out", out, "--site", distDir]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(code, err.join("")).toBe(exitCodes.ok);
    const info = execFileSync("/usr/bin/pdfinfo", [out], {encoding: "utf-8"});
    const pages = Number(info.match(/^Pages:\s+(\d+)/m)![1]);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/);
    // The command reports each report's page count; they add up to the PDF's.
    const counts = [...err.join("").matchAll(/rapport: (\w+): (\d+) pages?/g)].map((m) => [m[1], Number(m[2])] as const);
    expect(counts.map(([name]) => name)).toEqual(["index", "retention"]);
    expect(counts.reduce((s, [, n]) => s + n, 0)).toBe(pages);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(12);

    const [first, last] = sampleRange();
    const texts = Array.from({length: pages}, (_, i) => pageText(out, i + 1));
    for (const [i, text] of texts.entries()) {
      expect(text, `page ${i + 1}`).toContain(`Data ${first} – ${last}`);
      expect(text, `page ${i + 1}`).toMatch(/Built \w+ \d+, \d{4} at \d+:\d\d [AP]M UTC/);
      expect(text, `page ${i + 1}`).not.toMatch(/Download CSV/);
    }
    // Each report starts on its own page, with its heading first.
    const retentionStart = counts[0][1];
    expect(texts[0]).toContain(heading("index.html"));
    expect(texts[0]).toMatch(/page 1 of \d/);
    expect(texts[retentionStart]).toContain(heading("retention.html"));
    expect(texts[retentionStart]).toMatch(/Retention, page 1 of \d/);
    // The Overview links to the Methodology: in a forwarded PDF such a link would point at a server that is gone.
    expect((await links(out)).filter((uri) => uri.includes("127.0.0.1"))).toEqual([]);
  });

  it("prints a table's rows, not only those Inputs.table drew: every row of a short table, the first 40 of a long one with a note saying where the rest are", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "rapport-pdf-")), "tables.pdf");
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["pdf", "index", "quality", "--out", out, "--site", distDir])).toBe(exitCodes.ok);
    } finally {
      vi.restoreAllMocks();
    }
    const text = execFileSync(pdftotext, ["-layout", out, "-"], {encoding: "utf-8"});
    // The Overview's monthly table: a row per month and channel, as the warehouse publishes them, newest month first.
    // (publishedActivitySql also holds each month's "All channels" total, which the table does not list.)
    const rows = (await readWarehouse((db) => db.all<{month: Date; channel: string}>(publishedActivitySql()))).filter((r) => r.channel !== "All channels");
    expect(rows.length).toBeGreaterThan(40);
    expect(text.replace(/\s+/g, " ")).toContain(`The first 40 of ${rows.length.toLocaleString("en-US")} rows, in the order shown on screen; all ${rows.length.toLocaleString("en-US")} are on the “${heading("index.html")}” page of the published report and in its CSV download.`);
    const monthRow = /^\s*(January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\s{2,}\S/;
    const printed = text.split("\n").filter((line) => monthRow.test(line));
    // Inputs.table draws rows as they scroll into view, so a print of it held only the first screenful; the printed copy has all 40.
    expect(printed.length).toBe(40);
    const newest = [...new Set(rows.map((r) => +r.month))].sort((a, b) => b - a).slice(0, 3).map((t) => new Date(t).toLocaleDateString("en-US", {month: "long", year: "numeric", timeZone: "UTC"}));
    expect(printed[0]).toContain(newest[0]);
    expect(printed.some((line) => line.includes(newest[2]))).toBe(true);
    // Data quality's file table is short: every file, and no note.
    const files = await readWarehouse((db) => db.all<{path: string}>("SELECT path FROM _files"));
    for (const {path} of files) expect(text).toContain(path.split("/").at(-1));
    expect(text.match(/The first \d+ of/g)).toHaveLength(1);
  });

  it("rapport pdf with a page the site does not have, or without --out, is a usage error", async () => {
    const err: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
    try {
      expect(await main(["pdf", "nowhere", "--out", "x.pdf", "--site", distDir])).toBe(exitCodes.usage);
      expect(await main(["pdf", "--site", distDir])).toBe(exitCodes.usage);
    } finally {
      vi.restoreAllMocks();
    }
    expect(err.join("")).toMatch(/no page "nowhere" in .*; there are clv, explore, index, methodology, nps, quality, retention, service/);
    expect(err.join("")).toMatch(/pdf needs --out FILE/);
  });
});

describe("the print stylesheet", () => {
  let browser: Browser;
  beforeAll(async () => void (browser = await launchChromium()));
  afterAll(async () => browser?.close());

  it("printing the Overview shows no button, input or sidebar, and no card's box is split by a page break rule", async () => {
    const page = await browser.newPage({viewport: {width: 1366, height: 900}});
    try {
      await page.goto(siteUrl);
      await waitForPage(page);
      const visible = (selector: string) => page.locator(selector).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null || e.getClientRects().length > 0).length);
      expect(await visible("button, input, select, textarea")).toBeGreaterThan(10); // on screen: the filters and download buttons
      await page.emulateMedia({media: "print"});
      expect(await visible("button, input, select, textarea")).toBe(0);
      expect(await visible("#observablehq-sidebar, #observablehq-toc")).toBe(0);
      expect(await page.locator(".card").first().evaluate((e) => getComputedStyle(e).breakInside)).toBe("avoid");
      // Inputs.table is a form, but its table is content: it prints.
      expect(await visible("main table")).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  });
});
