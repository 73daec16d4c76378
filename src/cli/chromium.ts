/**
 * Finds and launches the Chromium that `rapport pdf` and the browser tests drive. Order: the
 * RAPPORT_CHROMIUM (or CHROMIUM_PATH) environment variable, Debian's and
 * other distributions' paths, then a browser Playwright itself installed.
 * Every page runs with name resolution closed except for 127.0.0.1, so a
 * request that would leave the machine fails loudly instead of succeeding.
 */
import {existsSync} from "node:fs";
import {createRequire} from "node:module";
import type {Browser, Page} from "playwright-core";
import {RapportError} from "../errors.js";

const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"];

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.RAPPORT_CHROMIUM ?? env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new RapportError(`RAPPORT_CHROMIUM=${fromEnv} does not exist: set it to a Chromium or Chrome executable`, "bad-input", {file: fromEnv});
    return fromEnv;
  }
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  try {
    // playwright-core is loaded only when needed: every rapport command imports this file (through pdf.ts).
    const {chromium} = createRequire(import.meta.url)("playwright-core") as typeof import("playwright-core");
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core knows no browser of its own here
  }
  throw new RapportError(
    "No Chromium found (rapport pdf and the browser tests need one). Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`; " +
      "macOS: install Google Chrome), or set RAPPORT_CHROMIUM to the browser's executable.",
    "bad-input"
  );
}

export async function launchChromium(): Promise<Browser> {
  const {chromium} = await import("playwright-core");
  return chromium.launch({executablePath: findChromium(), args: chromiumFlags, headless: true});
}

/**
 * Waits until Framework has rendered every cell: no loading placeholders, and
 * the page unchanged for half a second. Right after "load" a page whose cells
 * wait on DuckDB-wasm shows no placeholder yet, so no placeholder alone is not
 * enough.
 */
export async function waitForPage(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForLoadState("load");
  // DuckDB-wasm and the data files are fetched before a cell shows anything.
  await page.waitForLoadState("networkidle", {timeout});
  const deadline = Date.now() + timeout;
  let last = "";
  let stableSince = Date.now();
  for (;;) {
    const state = await page.evaluate(() => {
      const main = document.querySelector("main");
      if (!main) return "no main";
      if (main.querySelectorAll("observablehq-loading, .observablehq--loading").length > 0) return `loading ${Math.random()}`;
      return `${main.innerHTML.length}:${main.querySelectorAll("svg, table, .big").length}`;
    });
    if (state !== last) {
      last = state;
      stableSince = Date.now();
    } else if (!state.startsWith("loading") && state !== "no main" && Date.now() - stableSince >= 500) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`page ${page.url()} still changing after ${timeout} ms`);
    await page.waitForTimeout(100);
  }
}
