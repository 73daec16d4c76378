/**
 * Driving the Explore notebook in Chromium: its cells, their CodeMirror
 * editors (typed into as a person would), their results.
 */
import type {Locator, Page} from "playwright-core";
import {expect} from "vitest";

/** Waits until every cell has run (done or error) and returns their states. */
export async function settled(page: Page): Promise<string[]> {
  await page.waitForFunction(() => {
    const cells = [...document.querySelectorAll<HTMLElement>("[data-cell]")];
    return cells.length > 0 && cells.every((c) => c.dataset.state === "done" || c.dataset.state === "error");
  }, undefined, {timeout: 60_000});
  return page.locator("[data-cell]").evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.state!));
}

/** The SQL cells (Markdown cells left out). */
export const sqlCells = (page: Page) => page.locator("[data-cell][data-kind=sql]");

/** A cell's text, as its editor holds it. */
export async function source(cell: Locator): Promise<string> {
  return cell.locator(".cm-content").evaluate((content) => [...content.querySelectorAll(":scope > .cm-line")].map((l) => (l.querySelector(".cm-placeholder") ? "" : l.textContent)).join("\n"));
}

/** Replaces a cell's text, as a paste would. */
export async function setSource(cell: Locator, text: string): Promise<void> {
  const content = cell.locator(".cm-content");
  await content.click();
  await content.press("ControlOrMeta+a");
  await content.page().keyboard.insertText(text);
  expect(await source(cell)).toBe(text);
}

/** Adds a SQL cell at the end, types the SQL and runs it with Ctrl+Enter; returns the cell. */
export async function typeAndRun(page: Page, sql: string): Promise<Locator> {
  await page.locator("[data-action=add]").first().click();
  const cell = page.locator("[data-cell]").last();
  await setSource(cell, sql);
  await cell.locator(".cm-content").press("Control+Enter");
  await expect.poll(() => cell.getAttribute("data-state"), {timeout: 20_000}).toMatch(/^(done|error)$/);
  return cell;
}

/** A result table's rows as arrays of cell texts (header first). */
export async function tableText(cell: Locator): Promise<string[][]> {
  return cell.locator(".nb-output table tr").evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent!.trim()).filter((t, i) => i > 0 || t !== "")));
}

/** The labels the completion list offers now. */
export async function completions(page: Page): Promise<string[]> {
  await page.locator(".cm-tooltip-autocomplete").waitFor({timeout: 5_000});
  return page.locator(".cm-tooltip-autocomplete li .cm-completionLabel").allTextContents();
}

/**
 * Takes the selected completion with Enter, as a reader would: CodeMirror ignores Enter for its interactionDelay
 * (75 ms) after the list opens, so a key pressed the moment the list shows can type a newline instead (it did
 * once, on a loaded machine: "SEL\n" where "SELECT" was expected).
 */
export async function acceptCompletion(page: Page): Promise<void> {
  await page.waitForTimeout(250);
  await page.keyboard.press("Enter");
}

export const number = (text: string) => Number(text.replace(/,/g, ""));
