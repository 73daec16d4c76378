import type {Page} from "playwright-core";

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
