/**
 * `rapport pdf [PAGE...] --out FILE`: the built site's pages (dist/) as one
 * PDF, for forwarding. Each page is opened in Chromium (the one the browser
 * tests use, src/cli/chromium.ts) from a static server on 127.0.0.1 that
 * lives for the run, at the printable width of the paper so its charts are
 * drawn to fit, and printed with the site's print stylesheet (no inputs,
 * buttons or sidebar; no page break inside a card). Every PDF page carries
 * the report's name, the data's date range, the build time and its page
 * number. The pages are joined with pdf-lib.
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {mkdir, writeFile} from "node:fs/promises";
import {dirname, join, resolve} from "node:path";
import {exitCodes, RapportError, UsageError} from "../errors.js";
import {chromiumFlags, findChromium, waitForPage} from "./chromium.js";
import type {Command} from "./command.js";
import {serveStatic} from "./serve.js";

/** Paper sizes and the printable width in CSS pixels (96 per inch) with 12 mm side margins. */
const papers = {
  a4: {format: "A4", width: Math.floor(((210 - 24) / 25.4) * 96)},
  letter: {format: "Letter", width: Math.floor(((215.9 - 24) / 25.4) * 96)}
} as const;

/** The report pages in the sidebar's order; the Explore notebook is a tool, not a report, so only by name. */
export const reportPages = ["index", "retention", "clv", "nps", "service", "quality", "methodology"];

export const pdf: Command = {
  usage: "[PAGE...]",
  summary: "print the built site's pages (default: every report) to one PDF",
  options: {out: {type: "string", short: "o"}, paper: {type: "string"}, site: {type: "string"}},
  optionHelp: [
    "-o, --out FILE        the PDF to write (required)",
    "--paper P             a4 (default) or letter",
    "--site DIR            the built site (default dist/)"
  ],
  env: ["RAPPORT_CHROMIUM"],
  details: `PAGE is a page of the site: index (the Overview), retention, clv, nps, service, quality,
methodology or explore. Needs a built site (rapport build) and a Chromium: /usr/bin/chromium and
the usual places, or RAPPORT_CHROMIUM (Debian/Ubuntu: sudo apt-get install -y chromium).

Examples:
  rapport pdf --out reports.pdf
  rapport pdf index retention --out overview.pdf --paper letter`,
  async run({args, cwd, option}) {
    const out = option("out");
    if (!out) throw new UsageError("pdf needs --out FILE, the PDF to write");
    const paperName = (option("paper") ?? "a4").toLowerCase();
    if (!Object.hasOwn(papers, paperName)) throw new UsageError(`--paper must be a4 or letter, not ${JSON.stringify(option("paper"))}`);
    const paper = papers[paperName as keyof typeof papers];
    const site = resolve(cwd, option("site") ?? "dist");
    const pages = pagesToPrint(site, args);
    const freshness = readFreshness(site);
    const executablePath = findChromium();
    const [{chromium}, {PDFDocument}] = await Promise.all([import("playwright-core"), import("pdf-lib")]);
    const server = await serveStatic(site);
    const browser = await chromium.launch({executablePath, args: chromiumFlags, headless: true}).catch((error: Error) => {
      throw new RapportError(`Chromium (${executablePath}) did not start: ${error.message.split("\n")[0]}`, "software", {cause: error});
    });
    try {
      const merged = await PDFDocument.create();
      merged.setTitle("rapport");
      merged.setCreator("rapport pdf");
      // The page's text column on screen is the viewport less Framework's margins (64 px at these widths); the
      // charts, drawn to the column's width, then come out at the width they print at, neither cut nor shrunk.
      let margin = 64;
      const context = await browser.newContext({viewport: {width: paper.width + margin, height: 1000}, colorScheme: "light"});
      for (const name of pages) {
        const page = await context.newPage();
        await page.setViewportSize({width: paper.width + margin, height: 1000});
        await page.goto(new URL(name === "index" ? "" : name, server.url).href);
        await waitForPage(page, 60_000);
        const column = await page.evaluate(() => document.querySelector("main")?.clientWidth ?? 0);
        if (column > 0 && column !== paper.width) {
          margin += paper.width - column;
          await page.setViewportSize({width: paper.width + margin, height: 1000});
          await waitForPage(page, 60_000);
        }
        // Links within the site would point at this run's server, gone once the PDF is forwarded: they become plain text.
        await page.evaluate(() => document.querySelectorAll<HTMLAnchorElement>("a[href]").forEach((a) => a.origin === location.origin && a.removeAttribute("href")));
        const title = (await page.locator("main h1").first().textContent().catch(() => null))?.trim() || name;
        const bytes = await page.pdf({
          format: paper.format,
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: headerTemplate(title, freshness),
          footerTemplate: footerTemplate(title, freshness),
          margin: {top: "16mm", bottom: "14mm", left: "12mm", right: "12mm"}
        });
        await page.close();
        const doc = await PDFDocument.load(bytes);
        for (const p of await merged.copyPages(doc, doc.getPageIndices())) merged.addPage(p);
        process.stderr.write(`rapport: ${name}: ${doc.getPageCount()} page${doc.getPageCount() === 1 ? "" : "s"}\n`);
      }
      const file = resolve(cwd, out);
      await mkdir(dirname(file), {recursive: true});
      await writeFile(file, await merged.save());
      process.stderr.write(`rapport: wrote ${out} (${merged.getPageCount()} pages)\n`);
      return exitCodes.ok;
    } finally {
      await browser.close();
      await server.close();
    }
  }
};

/** The pages to print, as file names without .html; a usage error names the pages there are. */
export function pagesToPrint(site: string, args: string[]): string[] {
  if (!existsSync(join(site, "index.html"))) {
    throw new RapportError(`${site} has no built site: run rapport build first (or pass --site DIR)`, "bad-input", {file: site});
  }
  const built = readdirSync(site).filter((f) => f.endsWith(".html") && f !== "404.html").map((f) => f.slice(0, -5));
  if (args.length === 0) return reportPages.filter((p) => built.includes(p));
  return args.map((arg) => {
    const name = arg.replace(/^\/+|\.html$|\/+$/g, "") || "index";
    const page = name === "overview" ? "index" : name;
    if (!built.includes(page)) throw new UsageError(`no page ${JSON.stringify(arg)} in ${site}; there are ${built.sort().join(", ")}`);
    return page;
  });
}

export interface Freshness {
  builtAt?: string;
  firstRecord?: string | null;
  latestRecord?: string | null;
}

/** The freshness data the built site publishes (reports/data/freshness.json.ts). */
export function readFreshness(site: string): Freshness {
  const dir = join(site, "_file", "data");
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^freshness\.[0-9a-f]+\.json$/.test(f)) : undefined;
  return file ? (JSON.parse(readFileSync(join(dir, file), "utf-8")) as Freshness) : {};
}

const day = (iso: string) => new Date(iso).toLocaleDateString("en", {dateStyle: "long", timeZone: "UTC"});

/** "Data November 2, 2023 – October 31, 2026", or what of it is known. */
export function dataRange({firstRecord, latestRecord}: Freshness): string {
  if (firstRecord && latestRecord) return `Data ${day(firstRecord)} – ${day(latestRecord)}`;
  if (latestRecord) return `Data through ${day(latestRecord)}`;
  return "";
}

export function builtLine({builtAt}: Freshness): string {
  return builtAt ? `Built ${new Date(builtAt).toLocaleString("en", {dateStyle: "long", timeStyle: "short", timeZone: "UTC"})} UTC` : "";
}

// Chromium draws the templates in their own document: they need their own font size and margins.
const band = "font: 8.5px system-ui, sans-serif; color: #555; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between; gap: 12px;";

function headerTemplate(title: string, freshness: Freshness): string {
  return `<div style="${band}"><span>${escapeHtml(title)}</span><span>${escapeHtml(dataRange(freshness))}</span></div>`;
}

function footerTemplate(title: string, freshness: Freshness): string {
  return `<div style="${band}"><span>rapport · ${escapeHtml(builtLine(freshness))}</span><span>${escapeHtml(title)}, page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
