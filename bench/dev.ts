/**
 * How soon `rapport preview` (npm run dev) shows the Explore notebook: starts
 * the preview on 127.0.0.1 in a project folder, times until it answers, then
 * opens /explore twice in headless Chromium with an empty browser cache: the
 * first visit after start-up (Framework bundles the page's npm modules and runs
 * its data loaders on demand, unless its cache already holds them) and a
 * second one. Each visit reports when the first editor takes typing and when
 * the first SQL cell shows its result. The preview is stopped by its process
 * group id.
 *
 *   node --import tsx bench/dev.ts [project folder, default .] [port, default 3917]
 */
import {spawn} from "node:child_process";
import {fileURLToPath} from "node:url";
import {resolve} from "node:path";
import {launchChromium} from "../test/support/browser.js";
import {openExplore} from "./pages.js";

const project = resolve(process.argv[2] ?? ".");
const port = Number(process.argv[3] ?? 3917);
const cli = fileURLToPath(new URL("../src/cli/rapport.js", import.meta.url));
const url = `http://127.0.0.1:${port}/`;

const started = performance.now();
const preview = spawn(process.execPath, [cli, "preview", "--port", String(port), "--host", "127.0.0.1"], {cwd: project, detached: true, stdio: "ignore"});
const stop = () => {
  try {
    if (preview.pid) process.kill(-preview.pid, "SIGTERM");
  } catch {
    // the preview has already exited (its error is in its own output)
  }
};
try {
  for (;;) {
    if ((await fetch(url).catch(() => undefined))?.ok) break;
    if (performance.now() - started > 180_000) throw new Error(`rapport preview did not answer on ${url} within 180 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const upMs = performance.now() - started;
  const browser = await launchChromium();
  try {
    const visits = [];
    for (let i = 0; i < 2; i++) visits.push(await openExplore(browser, url));
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`preview answered ${s(upMs)} after start`);
    visits.forEach((v, i) => console.log(`visit ${i + 1}: typeable at ${s(v.typeableMs)}, first result at ${s(v.firstResultMs)} (target: Explore open within 5 s)`));
    console.log(JSON.stringify({upMs, visits: visits.map(({typeableMs, firstResultMs}) => ({typeableMs, firstResultMs}))}));
  } finally {
    await browser.close();
  }
} finally {
  stop();
}
