/**
 * Screenshots every page of a built site at laptop and phone widths, light
 * and dark, for a person to look at: `npm run screenshots` (after a build).
 * PNGs go to test/.screenshots/. `npm run screenshots -- dist nps,retention`
 * takes only those pages.
 */
import {mkdirSync, readdirSync} from "node:fs";
import {join, sep} from "node:path";
import {serveStatic} from "../../src/cli/serve.js";
import {launchChromium} from "./browser.js";
import {waitForPage} from "./page.js";

const dist = process.argv[2] ?? "dist";
const out = join("test", ".screenshots");
mkdirSync(out, {recursive: true});
const only = process.argv[3]?.split(",");
// Top-level pages and those one folder down (the segment, region and channel pages: "segments/enterprise").
const pages = (readdirSync(dist, {recursive: true}) as string[])
  .map((f) => f.split(sep).join("/"))
  .filter((f) => f.endsWith(".html") && f !== "404.html" && !f.startsWith("_") && f.split("/").length <= 2)
  .map((f) => f.replace(/\.html$/, ""))
  .filter((name) => !only || only.includes(name));
const site = await serveStatic(dist);
const browser = await launchChromium();
try {
  for (const [device, width, height] of [["laptop", 1366, 900], ["phone", 390, 844]] as const) {
    for (const scheme of ["light", "dark"] as const) {
      const page = await browser.newPage({viewport: {width, height}, colorScheme: scheme, deviceScaleFactor: 1});
      for (const name of pages) {
        await page.goto(site.url + (name === "index" ? "" : name));
        await waitForPage(page);
        const file = join(out, `${name.replace("/", "-")}-${device}-${scheme}.png`);
        await page.screenshot({path: file, fullPage: true});
        console.error(`screenshot: ${file}`);
        // Long pages also in slices a person can read at full size.
        const total = await page.evaluate(() => document.documentElement.scrollHeight);
        const slice = device === "phone" ? 1200 : 1800;
        for (let y = 0, i = 1; total > slice * 1.5 && y < total; y += slice, i++) {
          await page.screenshot({path: file.replace(/\.png$/, `.${i}.png`), fullPage: true, clip: {x: 0, y, width, height: Math.min(slice, total - y)}});
        }
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  await site.close();
}
