import {afterEach, describe, expect, it, vi} from "vitest";
import {isFrameworkNoise} from "../../src/cli/framework.js";
import {exitCodes, main} from "../../src/cli/main.js";
import {tempTree} from "../support/fixtures.js";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("isFrameworkNoise", () => {
  it("isFrameworkNoise(line) drops Framework's routine progress and keeps errors, loader messages and the page table", () => {
    // Lines from a real `observable build` of the sample site (rapport build --verbose).
    const noise = [
      "load /clv npm:d3@latest → npm:d3@7.9.2",
      "in 6169ms",
      "load /methodology in 650ms",
      "npm:d3-array@^3.2.5 → npm:d3-array@3.2.5",
      "npm:d3@7.9.2/+esm → reports/.observablehq/cache/_npm/d3@7.9.2/_esm.js",
      "bundle /_observablehq/client.js → npm:react-dom@latest → npm:react-dom@0.0.0-not-installed",
      "npm:lodash@latest → npm:echarts@latest → npm:leaflet@latest → npm:lodash@0.0.0-not-installed",
      "npm:echarts@0.0.0-not-installed",
      "reports/.observablehq/cache/_observablehq/client.js",
      "alias /_npm/d3-time@3.1.1/_esm.js → /_npm/d3-time@3.1.1/a48bdcc7.js",
      "build /_npm/htl@0.3.1/_esm.js → dist.next-8870/_npm/htl@0.3.1/fffdd00e.js",
      "copy reports/components/ui.ts → dist.next-8870/_import/components/ui.bb7102ce.js",
      "render /clv → dist.next-8870/clv.html",
      "success 309 kB in 5020ms",
      "dist.next-8870/_file/data/clv.75429bb1.json",
      "built 8 pages in reports",
      "\u001b[32msuccess\u001b[39m 1.93 MB in 6724ms",
      ""
    ];
    const kept = [
      "clv: 2991 customer groups, 2321 distinct histories, 308922 bytes in 2.8 s",
      "┌ (8 pages)              Page      Imports        Files",
      "├── clv                 31 kB       598 kB       341 kB",
      "22 links validated",
      "error loading data/nps.json: exited with code 1",
      "npm:left-pad is not installed (offline build): run npm install left-pad",
      "✗ Unable to load data/clv.json"
    ];
    expect(noise.filter((l) => !isFrameworkNoise(l))).toEqual([]);
    expect(kept.filter((l) => isFrameworkNoise(l))).toEqual([]);
  });
});

describe("rapport check with no path", () => {
  it("rapport check reads the folder build reads (RAPPORT_DATA), as build does", async () => {
    const dir = tempTree({"exports/orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2026-01-01,10\no2,c1,2026-01-02,oops\n"});
    vi.stubEnv("RAPPORT_DATA", `${dir}/exports`);
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await main(["check"], dir)).toBe(exitCodes.rejectThreshold);
    expect(out.join("")).toMatch(/exports\/orders\.csv\s+orders\s+\S+\s+2\s+1\s+1\s+0/);
  });
});
