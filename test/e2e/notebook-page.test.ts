/**
 * From notebook to page, as an analyst does it: `rapport preview`, the Explore
 * notebook, Save as page (reports/<name>.md, refused without asking when it
 * exists, then in the sidebar), Open page (the cells come back), and a build
 * of the site with the new page, which shows the same rows and charts the
 * notebook showed. The page file and the second build's folder are removed
 * afterwards; the preview is stopped by its process group id.
 */
import {spawn, type ChildProcess} from "node:child_process";
import {existsSync, readFileSync, rmSync} from "node:fs";
import {join, resolve} from "node:path";
import type {Browser, Locator, Page} from "playwright-core";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {runFramework} from "../../src/cli/framework.js";
import {serveStatic} from "../../src/cli/serve.js";
import {loadConfig} from "../../src/config.js";
import {projectRoot} from "../../src/paths.js";
import {launchChromium} from "../support/browser.js";
import {freePort} from "../support/process.js";
import {settled, source, sqlCells, tableText} from "../support/notebook.js";
import {visit} from "../support/visit.js";

const slug = `e2e-notebook-${process.pid}`;
const title = `E2E notebook ${process.pid}`;
const pageFile = join(projectRoot, "reports", `${slug}.md`);
const output = `dist.e2e-notebook-${process.pid}`;

let browser: Browser;
let preview: ChildProcess | undefined;
let previewUrl: string;

beforeAll(async () => {
  browser = await launchChromium();
  const port = await freePort();
  previewUrl = `http://127.0.0.1:${port}/`;
  preview = spawn(process.execPath, ["src/cli/rapport.js", "preview", "--port", String(port), "--host", "127.0.0.1"], {cwd: projectRoot, detached: true, stdio: "ignore"});
  const deadline = Date.now() + 120_000;
  for (;;) {
    const answer = await fetch(`${previewUrl}_rapport/notebook/pages`).catch(() => undefined);
    if (answer?.ok) break;
    if (Date.now() > deadline) throw new Error("rapport preview did not answer within 120 s");
    await new Promise((ok) => setTimeout(ok, 500));
  }
});

afterAll(async () => {
  await browser?.close();
  if (preview?.pid) process.kill(-preview.pid, "SIGTERM"); // the preview and the Framework server it started
  rmSync(pageFile, {force: true});
  rmSync(resolve(projectRoot, output), {recursive: true, force: true});
});

/** What a SQL cell shows: its first rows as text, and its chart's marks. */
async function shown(cell: Locator): Promise<{rows: string[][]; lines: number; bars: number}> {
  const rows = (await tableText(cell)).slice(0, 8);
  const lines = await cell.locator(".nb-output svg g[aria-label='line'] path").count();
  const bars = await cell.locator(".nb-output svg g[aria-label='bar'] rect").count();
  return {rows, lines, bars};
}

/** A table's first rows as text (header first), as tableText reads a notebook's. */
const rowsOf = (table: Locator) =>
  table.locator("tr").evaluateAll((trs) => trs.map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent!.trim()).filter((t, j) => j > 0 || t !== "")).slice(0, 8));

async function saveAsPage(page: Page): Promise<Locator> {
  await page.locator("[data-action=save-page]").click();
  const form = page.locator("[data-form=save-page]");
  await form.locator("input[name=title]").fill(title);
  expect(await form.locator("input[name=file]").inputValue()).toBe(slug);
  await form.locator("button[type=submit]").click();
  return form.locator("[role=status]");
}

describe("from notebook to page", () => {
  it("Save as page under rapport preview writes reports/<name>.md (asking before replacing it), lists it in the sidebar, Open page brings its cells back, and the built page shows the same rows and charts", async () => {
    const {page, errors} = await visit(browser, previewUrl + "explore");
    try {
      await settled(page);
      const cells = sqlCells(page);
      const before = await Promise.all((await cells.all()).map(shown));
      const sources = await Promise.all((await page.locator("[data-cell]").all()).map(source));

      const status = await saveAsPage(page);
      await expect.poll(() => status.textContent(), {timeout: 30_000}).toContain(`Saved reports/${slug}.md`);
      const markdown = readFileSync(pageFile, "utf-8");
      expect(markdown).toContain(`title: "${title}"`);
      expect(markdown).toContain("notebook: true");
      expect(markdown).toContain("```sql id=last_year display");
      expect(markdown).toContain("**Revenue, month by month**");
      expect(markdown.match(/```js\n\/\/ chart: /g)).toHaveLength(4);

      // The preview reloads the page to list the new one in the sidebar; the notebook and the message stay.
      await expect.poll(() => page.locator(".nb-file-status [data-saved]").count(), {timeout: 30_000}).toBe(1);
      await settled(page);
      expect(await Promise.all((await page.locator("[data-cell]").all()).map(source))).toEqual(sources);
      expect(await page.locator(`#observablehq-sidebar a[href$="/${slug}"]`).textContent()).toBe(title);

      // Saving again asks before replacing.
      const again = await saveAsPage(page);
      await expect.poll(() => again.textContent(), {timeout: 30_000}).toContain("already exists");
      await again.locator("[data-action=replace]").click();
      await expect.poll(() => page.locator("[data-saved]").count(), {timeout: 30_000}).toBeGreaterThan(0);

      // The sidebar lists it, and Open page brings its cells back.
      const reopened = await visit(browser, previewUrl + "explore");
      try {
        await settled(reopened.page);
        await reopened.page.locator("[data-action=remove]").first().click();
        await reopened.page.locator("[data-action=open-page]").click();
        await reopened.page.locator("[data-form=open] select").selectOption(slug);
        await reopened.page.locator("[data-action=open-selected]").click();
        await expect.poll(async () => Promise.all((await reopened.page.locator("[data-cell]").all()).map(source))).toEqual(sources);
        expect(await sqlCells(reopened.page).nth(1).locator(".nb-name").inputValue()).toBe("last_year");
        await settled(reopened.page);
        expect(reopened.errors).toEqual([]);
      } finally {
        await reopened.page.close();
      }

      // The page builds, and shows what the notebook showed.
      const {warehouse} = await loadConfig(projectRoot);
      const code = await runFramework(["build"], {cwd: projectRoot, stdio: "pipe", env: {RAPPORT_WAREHOUSE: resolve(projectRoot, warehouse), RAPPORT_OUTPUT: output}});
      expect(code).toBe(0);
      expect(existsSync(resolve(projectRoot, output, `${slug}.html`))).toBe(true);
      const site = await serveStatic(resolve(projectRoot, output));
      try {
        const built = await visit(browser, `${site.url}${slug}`);
        try {
          expect(await built.page.locator("main h1").first().textContent()).toBe(title);
          expect(await built.page.locator("main strong").first().textContent()).toBe("Revenue, month by month");
          // Each SQL cell's table, in the notebook's order, with its first rows; the charts with as many marks.
          const tables = built.page.locator("main table");
          await expect.poll(() => tables.count(), {timeout: 60_000}).toBe(before.length);
          await expect.poll(() => built.page.locator("main svg g[aria-label='line'], main svg g[aria-label='bar']").count(), {timeout: 30_000}).toBe(before.filter((b) => b.lines + b.bars > 0).length);
          const after = await Promise.all(before.map((_, i) => rowsOf(tables.nth(i))));
          expect(after).toEqual(before.map((b) => b.rows));
          expect(await built.page.locator("main svg g[aria-label='line'] path").count()).toBe(before.reduce((s, b) => s + b.lines, 0));
          expect(await built.page.locator("main svg g[aria-label='bar'] rect").count()).toBe(before.reduce((s, b) => s + b.bars, 0));
          expect(built.errors).toEqual([]);
        } finally {
          await built.page.close();
        }
      } finally {
        await site.close();
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
