import type {Page} from "playwright-core";

/** Waits until Framework has rendered every cell: no loading placeholders, no pending observers. */
export async function waitForPage(page: Page, timeout = 20_000): Promise<void> {
  await page.waitForLoadState("load");
  await page.waitForFunction(
    () => document.querySelector("main") !== null && document.querySelectorAll("main observablehq-loading, main .observablehq--loading").length === 0,
    undefined,
    {timeout}
  );
  await page.waitForTimeout(300); // let the last resize observers draw
}
