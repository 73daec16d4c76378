import {afterEach, describe, expect, it, vi} from "vitest";
import {exitCodes, main, version} from "../../src/cli/main.js";
import {serveStatic} from "../../src/cli/serve.js";
import {tempTree} from "../support/fixtures.js";

afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  return {out, err};
}

describe("rapport", () => {
  it("rapport --version prints the package version", async () => {
    const {out} = capture();
    expect(await main(["--version"])).toBe(exitCodes.ok);
    expect(out.join("")).toBe(`${version()}\n`);
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("rapport --help lists the commands", async () => {
    const {out} = capture();
    expect(await main(["--help"])).toBe(exitCodes.ok);
    expect(out.join("")).toMatch(/build[\s\S]*preview[\s\S]*sample[\s\S]*serve/);
  });

  it("rapport with an unknown command or option exits 64 and says so", async () => {
    const {err} = capture();
    expect(await main(["frobnicate"])).toBe(exitCodes.usage);
    expect(await main(["build", "--nope"])).toBe(exitCodes.usage);
    expect(await main(["sample", "--customers", "lots"])).toBe(exitCodes.usage);
    expect(err.join("")).toMatch(/unknown command "frobnicate"[\s\S]*--nope[\s\S]*--customers must be a whole number/);
  });

  it("rapport sample DIR writes the four exports", async () => {
    const dir = tempTree({});
    const {err} = capture();
    expect(await main(["sample", "out", "--customers", "20", "--seed", "1"], dir)).toBe(exitCodes.ok);
    expect(err.join("")).toMatch(/wrote 20 rows to .*customers\.csv/);
    expect(err.join("")).toMatch(/orders\.csv[\s\S]*nps_responses\.csv[\s\S]*tickets\.csv/);
  });
});

describe("serveStatic", () => {
  it("serveStatic(dir) serves files, clean URLs and a 404, and never a file outside dir", async () => {
    const dir = tempTree({"site/index.html": "home", "site/retention.html": "retention", "site/a/index.html": "a", "site/404.html": "missing", "secret.txt": "no"});
    const site = await serveStatic(`${dir}/site`);
    try {
      const get = async (path: string) => {
        const r = await fetch(site.url + path);
        return [r.status, await r.text()];
      };
      expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await get("")).toEqual([200, "home"]);
      expect(await get("retention")).toEqual([200, "retention"]);
      expect(await get("a/")).toEqual([200, "a"]);
      expect(await get("nope")).toEqual([404, "missing"]);
      expect(await get("..%2Fsecret.txt")).toEqual([404, "missing"]);
    } finally {
      await site.close();
    }
  });

  it("serveStatic(dir) refuses a folder that holds no built site", async () => {
    await expect(serveStatic(tempTree({"x.txt": ""}))).rejects.toThrow(/no index.html: build the site first/);
  });
});

describe("rapport metrics and rapport clv fit", () => {
  it("rapport metrics nps --by segment prints the same rows npsTrend computes, as JSON", async () => {
    const {warehouseOf} = await import("../support/warehouse.js");
    const {dir} = await warehouseOf({
      "customers.csv": "id,created_at,segment\nc1,2026-01-01,SMB\nc2,2026-01-01,Enterprise\n",
      "orders.csv": "id,customer_id,ordered_at,amount\no1,c1,2026-01-01,1\n",
      "nps_responses.csv": "id,customer_id,responded_at,score\nn1,c1,2026-01-05,10\nn2,c1,2026-01-20,6\nn3,c2,2026-01-21,9\n"
    });
    const {out} = capture();
    expect(await main(["metrics", "nps", "--by", "segment", "--warehouse", "warehouse.duckdb", "--json"], dir)).toBe(exitCodes.ok);
    const rows = JSON.parse(out.join(""));
    expect(rows.map((r: {group: string; nps: number; responses: number; small: boolean}) => [r.group, r.nps, r.responses, r.small])).toEqual([
      ["Enterprise", 100, 1, true],
      ["SMB", 0, 2, true]
    ]);
    // The scorecard is for all customers: a breakdown is refused rather than ignored.
    const {err} = capture();
    expect(await main(["metrics", "scorecard", "--by", "region", "--warehouse", "warehouse.duckdb"], dir)).toBe(exitCodes.usage);
    expect(err.join("")).toMatch(/scorecard is for all customers; it has no --by/);
  });

  it("rapport metrics with a bad name or option exits 64", async () => {
    const {err} = capture();
    expect(await main(["metrics", "happiness", "--warehouse", "test/fixtures/none.duckdb"])).toBe(exitCodes.usage);
    expect(await main(["clv", "fit", "--unit", "month"])).toBe(exitCodes.usage);
    expect(err.join("")).toMatch(/--unit must be day or week/);
  });

  it("rapport clv fit --calibration-end 1997-09-30 --unit week fits CDNOW and reports the holdout", async () => {
    const {ingest} = await import("../../src/ingest/ingest.js");
    const {sources} = await import("../../loaders/index.js");
    const {parseConfig} = await import("../../src/config.js");
    const dir = tempTree({});
    await ingest([new URL("../fixtures/cdnow/CDNOW_sample.txt", import.meta.url).pathname], {cwd: dir, config: parseConfig({}), sources, warehouse: "w.duckdb"});
    const {out} = capture();
    expect(await main(["clv", "fit", "--calibration-end", "1997-09-30", "--unit", "week", "--warehouse", "w.duckdb", "--json", "--model", "bgnbd"], dir)).toBe(exitCodes.ok);
    const fit = JSON.parse(out.join(""));
    expect(fit.purchases.r).toBeCloseTo(0.2426, 4);
    expect(fit.gammaGamma.q).toBeCloseTo(3.744, 3);
    expect(fit.holdout.actual).toBe(1882);
    // By default the model is chosen on the holdout: the three are compared and the chosen one is fit.
    out.length = 0;
    expect(await main(["clv", "fit", "--calibration-end", "1997-09-30", "--warehouse", "w.duckdb"], dir)).toBe(exitCodes.ok);
    const auto = JSON.parse(out.join(""));
    expect(auto.comparison.models.map((m: {model: string}) => m.model)).toEqual(["bgnbd", "mbgnbd", "pareto"]);
    expect(auto.model).toBe(auto.comparison.chosen);
    expect(auto.purchases.model).toBe(auto.comparison.chosen);
    expect(await main(["clv", "fit", "--model", "gamma"], dir)).toBe(exitCodes.usage);
  });
});
