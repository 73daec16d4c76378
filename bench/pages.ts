/**
 * What a reader's browser pays for each page of a built site: every response
 * the page asked for, compressed with gzip at level 6 as a static host would
 * (the plain server here sends files as they are), and the time from
 * navigation start until the page's loading indicators are gone and its last
 * chart (svg) has been drawn, in headless Chromium on 127.0.0.1 with an empty
 * cache for every page.
 */
import {existsSync, readFileSync, readdirSync, statSync} from "node:fs";
import {join, normalize} from "node:path";
import {gzipSync} from "node:zlib";
import {serveStatic} from "../src/cli/serve.js";
import {launchChromium} from "../test/support/browser.js";

export interface PageMeasure {
  path: string;
  requests: number;
  /** Bytes of all responses as served. */
  bytes: number;
  /** The same, each response gzip-compressed (level 6). */
  gzipBytes: number;
  /** Milliseconds from navigation start until no loading indicator is left and the last svg was added. */
  chartsDrawnMs: number;
  /** svg elements in the page's main area once drawn. */
  charts: number;
}

export async function measurePages(dist: string, {timeout = 120_000} = {}): Promise<PageMeasure[]> {
  const paths = readdirSync(dist)
    .filter((f) => f.endsWith(".html") && f !== "404.html")
    .map((f) => (f === "index.html" ? "/" : `/${f.replace(/\.html$/, "")}`))
    .sort();
  const site = await serveStatic(dist);
  const browser = await launchChromium();
  const measures: PageMeasure[] = [];
  try {
    for (const path of paths) {
      const context = await browser.newContext({viewport: {width: 1366, height: 900}}); // a fresh cache for every page
      const bodies: Promise<number[]>[] = [];
      context.on("response", (response) => {
        if (!response.url().startsWith(site.url)) return;
        // A file of the site is read from disk: Chromium keeps no body for what a worker fetched (DuckDB's wasm).
        const file = siteFile(dist, new URL(response.url()).pathname);
        bodies.push(file ? Promise.resolve(fileSizes(file)) : response.body().then((body) => [body.length, gzipSync(body, {level: 6}).length]));
      });
      await context.addInitScript(() => {
        const w = window as unknown as {benchLastSvg: number};
        w.benchLastSvg = 0;
        new MutationObserver((records) => {
          for (const r of records)
            for (const n of r.addedNodes)
              if (n instanceof Element && n.closest("main") && (n.localName === "svg" || n.querySelector("svg"))) w.benchLastSvg = performance.now();
        }).observe(document, {childList: true, subtree: true});
      });
      const page = await context.newPage();
      await page.goto(site.url + path.slice(1), {waitUntil: "load", timeout});
      const settled = await page.waitForFunction(
        () => document.querySelector("main") !== null && document.querySelectorAll("main observablehq-loading, main .observablehq--loading").length === 0 && performance.now(),
        undefined,
        {timeout}
      );
      const loadedMs = (await settled.jsonValue()) as number;
      await page.waitForLoadState("networkidle", {timeout}).catch(() => undefined);
      await page.waitForTimeout(500); // resize observers draw a frame or two later
      const {lastSvg, charts} = await page.evaluate(() => ({
        lastSvg: (window as unknown as {benchLastSvg: number}).benchLastSvg,
        charts: document.querySelectorAll("main svg").length
      }));
      const sizes = await Promise.all(bodies);
      measures.push({
        path,
        requests: sizes.length,
        bytes: sizes.reduce((s, [b]) => s + b, 0),
        gzipBytes: sizes.reduce((s, [, g]) => s + g, 0),
        chartsDrawnMs: Math.max(loadedMs, lastSvg),
        charts
      });
      console.error(`pages: ${path} ${measures.at(-1)!.gzipBytes} bytes gzip, charts drawn at ${Math.round(measures.at(-1)!.chartsDrawnMs)} ms`);
      await context.close();
    }
  } finally {
    await browser.close();
    await site.close();
  }
  return measures;
}

const compressed = new Map<string, [number, number]>();

/** [bytes, gzip bytes] of a file, compressed once per run. */
function fileSizes(file: string): [number, number] {
  if (!compressed.has(file)) {
    const body = readFileSync(file);
    compressed.set(file, [body.length, gzipSync(body, {level: 6}).length]);
  }
  return compressed.get(file)!;
}

/** The file serveStatic answers a path with (page.html for /page, dir/index.html for /dir/). */
function siteFile(dist: string, pathname: string): string | undefined {
  const path = normalize(join(dist, decodeURIComponent(pathname)));
  const candidates = pathname.endsWith("/") ? [join(path, "index.html")] : [path, `${path}.html`, join(path, "index.html")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}
