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
import type {Browser} from "playwright-core";
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

export interface ExploreMeasure {
  /** Every response of the Explore page, gzip-compressed (level 6). */
  gzipBytes: number;
  /** Of which DuckDB-wasm (its module, worker and wasm). */
  duckdbGzipBytes: number;
  /** The rest: the notebook, CodeMirror, the page, the data files: what the target limits. */
  overheadGzipBytes: number;
  /** Times DuckDB-wasm's .wasm was requested (once is the target). */
  wasmRequests: number;
  /** The 20 largest responses (path on the site) and their gzip bytes, largest first. */
  requests: {path: string; gzipBytes: number}[];
  /** Milliseconds from navigation start until the first editor can take typing. */
  typeableMs: number;
  /** ... until the first SQL cell shows its result. */
  firstResultMs: number;
}

/** The targets of issue 15: Explore ≤ DuckDB-wasm + 250 kB compressed, first result within 3 s. */
export const exploreTargets = {overheadGzipBytes: 250_000, firstResultMs: 3000};

/**
 * Opens the built site's Explore page in headless Chromium with an empty cache
 * and measures its weight and how soon it is usable: the first editor (typeable
 * before DuckDB-wasm has loaded) and the first SQL cell's result.
 */
export async function measureExplore(dist: string, {timeout = 120_000} = {}): Promise<ExploreMeasure> {
  const site = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const measure = await openExplore(browser, site.url, {timeout, fileOf: (pathname) => siteFile(dist, pathname)});
    console.error(`pages: /explore ${measure.gzipBytes} bytes gzip (DuckDB-wasm ${measure.duckdbGzipBytes}), typeable at ${Math.round(measure.typeableMs)} ms, first result at ${Math.round(measure.firstResultMs)} ms`);
    return measure;
  } finally {
    await browser.close();
    await site.close();
  }
}

/**
 * Opens siteUrl's Explore page in a fresh browser context (an empty cache) and
 * measures it; fileOf names the file on disk behind a path, when there is one
 * (Chromium keeps no body for what a worker fetched).
 */
export async function openExplore(
  browser: Browser,
  siteUrl: string,
  {timeout = 120_000, fileOf = () => undefined}: {timeout?: number; fileOf?: (pathname: string) => string | undefined} = {}
): Promise<ExploreMeasure> {
  const context = await browser.newContext({viewport: {width: 1366, height: 900}});
  try {
    const bodies: Promise<[string, number]>[] = [];
    context.on("response", (response) => {
      const url = response.url();
      if (!url.startsWith(siteUrl)) return;
      const file = fileOf(new URL(url).pathname);
      bodies.push(
        (file ? Promise.resolve(fileSizes(file)[1]) : response.body().then((b) => gzipSync(b, {level: 6}).length, () => 0)).then((g) => [url, g])
      );
    });
    await context.addInitScript(() => {
      const w = window as unknown as {benchTypeable: number; benchFirstResult: number};
      new MutationObserver(() => {
        if (!w.benchTypeable && document.querySelector("[data-cell] .cm-content[contenteditable=true]")) w.benchTypeable = performance.now();
        if (!w.benchFirstResult && document.querySelector("[data-cell][data-kind=sql] [data-rows]")) w.benchFirstResult = performance.now();
      }).observe(document, {childList: true, subtree: true, attributes: true});
    });
    const page = await context.newPage();
    await page.goto(`${siteUrl}explore`, {waitUntil: "load", timeout});
    await page.waitForFunction(() => (window as unknown as {benchFirstResult?: number}).benchFirstResult, undefined, {timeout});
    // The weight is that of the whole first view: every cell run, its chart drawn, what they fetched.
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLElement>("[data-cell]")].every((c) => c.dataset.state === "done" || c.dataset.state === "error") && !document.querySelector("[data-cell] [aria-busy=true]"),
      undefined,
      {timeout}
    );
    await page.waitForLoadState("networkidle", {timeout}).catch(() => undefined);
    const {typeableMs, firstResultMs} = await page.evaluate(() => {
      const w = window as unknown as {benchTypeable: number; benchFirstResult: number};
      return {typeableMs: w.benchTypeable, firstResultMs: w.benchFirstResult};
    });
    const sizes = await Promise.all(bodies);
    const gzipBytes = sizes.reduce((s, [, g]) => s + g, 0);
    const duckdbGzipBytes = sizes.filter(([u]) => u.includes("/@duckdb/duckdb-wasm")).reduce((s, [, g]) => s + g, 0);
    const requests = sizes.map(([u, g]) => ({path: new URL(u).pathname, gzipBytes: g})).sort((a, b) => b.gzipBytes - a.gzipBytes).slice(0, Number(process.env.BENCH_REQUESTS ?? 20));
    return {gzipBytes, duckdbGzipBytes, overheadGzipBytes: gzipBytes - duckdbGzipBytes, wasmRequests: sizes.filter(([u]) => u.endsWith(".wasm")).length, requests, typeableMs, firstResultMs};
  } finally {
    await context.close();
  }
}

/** The Explore measure in words, against its targets. */
export function formatExplore(m: ExploreMeasure): string {
  const kB = (b: number) => `${(b / 1e3).toFixed(0)} kB`;
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  return (
    `Explore: ${kB(m.gzipBytes)} gzip, of which DuckDB-wasm ${kB(m.duckdbGzipBytes)} and the rest ${kB(m.overheadGzipBytes)} ` +
    `(target ≤ ${kB(exploreTargets.overheadGzipBytes)}: ${verdict(m.overheadGzipBytes <= exploreTargets.overheadGzipBytes)}); ` +
    `DuckDB-wasm fetched ${m.wasmRequests}×; typeable at ${(m.typeableMs / 1000).toFixed(2)} s; first result at ${(m.firstResultMs / 1000).toFixed(2)} s ` +
    `(target ≤ ${(exploreTargets.firstResultMs / 1000).toFixed(0)} s: ${verdict(m.firstResultMs <= exploreTargets.firstResultMs)}).`
  );
}

// `node --import tsx bench/pages.ts explore [dist]`: the Explore measure alone, on a site already built (npm run build).
if (process.argv[1]?.endsWith("pages.ts") && process.argv[2] === "explore") {
  const measure = await measureExplore(process.argv[3] ?? "dist");
  console.log(JSON.stringify(measure, null, 2));
  console.log(formatExplore(measure));
}
