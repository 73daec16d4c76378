/**
 * Clicks a chart's "Download CSV" button (by its data-download name, or the
 * button itself) and returns the file it saved, parsed: the header and the
 * rows as objects of strings.
 */
import {readFile} from "node:fs/promises";
import type {Locator, Page} from "playwright-core";

export async function downloadCsv(page: Page, button: string | Locator): Promise<{filename: string; header: string[]; rows: Record<string, string>[]}> {
  const target = typeof button === "string" ? page.locator(`button[data-download="${button}"]`).first() : button;
  const [download] = await Promise.all([page.waitForEvent("download"), target.click()]);
  const path = await download.path();
  const text = await readFile(path, "utf8");
  const [head, ...lines] = text.trimEnd().split(/\r?\n/);
  const header = head.split(",");
  // The tests' CSVs have no quoted commas in the columns they read; a quoted field is kept whole.
  const split = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.slice(0, header.length).map((f) => f.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, '"'));
  return {filename: download.suggestedFilename(), header, rows: lines.map((l) => Object.fromEntries(split(l).map((v, i) => [header[i], v])))};
}
