import {existsSync, mkdirSync, utimesSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loaderCacheKey, refreshLoaderCache} from "../../src/cli/cache.js";
import {tempTree} from "../support/fixtures.js";

describe("loaderCacheKey and refreshLoaderCache", () => {
  const project = () =>
    tempTree({"reports/data/a.json.ts": "loader", "src/m.ts": "library", "package-lock.json": "{}", "w.duckdb": "db", "reports/.observablehq/cache/data/a.json": "old"});

  it("loaderCacheKey(inputs) changes with the warehouse, a loader, the library, the config, the lockfile and the data folder", () => {
    const dir = project();
    const inputs = {cwd: dir, root: "reports", warehouse: join(dir, "w.duckdb"), env: {RAPPORT_DATA: "data/sample"}};
    const key = loaderCacheKey(inputs);
    expect(loaderCacheKey(inputs)).toBe(key);
    expect(loaderCacheKey({...inputs, env: {RAPPORT_DATA: "elsewhere"}})).not.toBe(key);
    utimesSync(join(dir, "w.duckdb"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    const afterTouch = loaderCacheKey(inputs);
    expect(afterTouch).not.toBe(key);
    writeFileSync(join(dir, "src/m.ts"), "library v2");
    expect(loaderCacheKey(inputs)).not.toBe(afterTouch);
    const afterLibrary = loaderCacheKey(inputs);
    writeFileSync(join(dir, "reports/data/a.json.ts"), "loader v2");
    const afterLoader = loaderCacheKey(inputs);
    expect(afterLoader).not.toBe(afterLibrary);
    writeFileSync(join(dir, "rapport.config.json"), '{"staleAfterDays": 10}');
    expect(loaderCacheKey(inputs)).not.toBe(afterLoader);
    const afterConfig = loaderCacheKey(inputs);
    mkdirSync(join(dir, "data/sample"), {recursive: true});
    writeFileSync(join(dir, "data/sample/rapport.config.json"), '{"minGroupSize": 20}'); // the exports folder's config, which wins
    expect(loaderCacheKey(inputs)).not.toBe(afterConfig);
  });

  it("refreshLoaderCache(inputs) drops cached loader outputs once per change, and keeps them when nothing changed", () => {
    const dir = project();
    const inputs = {cwd: dir, root: "reports", warehouse: join(dir, "w.duckdb")};
    const cached = join(dir, "reports/.observablehq/cache/data/a.json");
    expect(refreshLoaderCache(inputs)).toBe(true);
    expect(existsSync(cached)).toBe(false);
    mkdirSync(join(dir, "reports/.observablehq/cache/data"), {recursive: true});
    writeFileSync(cached, "fresh");
    expect(refreshLoaderCache(inputs)).toBe(false);
    expect(existsSync(cached)).toBe(true);
  });
});
