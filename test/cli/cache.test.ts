import {existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {loaderCacheKey, refreshLoaderCache, seedLoaderCache} from "../../src/cli/cache.js";
import {tempTree} from "../support/fixtures.js";

describe("loaderCacheKey and refreshLoaderCache", () => {
  const project = () =>
    tempTree({"reports/data/a.json.ts": "loader", "src/m.ts": "library", "package-lock.json": "{}", "w.duckdb": "db", "reports/.observablehq/cache/data/a.json": "old"});

  it("loaderCacheKey(inputs) changes with the warehouse, a loader, the library, a page component, the config, the lockfile and the data folder", () => {
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
    // A component a loader imports (data/notebook-starter.json.ts renders components/notebook-starter.ts's text).
    mkdirSync(join(dir, "reports/components"), {recursive: true});
    writeFileSync(join(dir, "reports/components/starter.ts"), "component");
    const afterComponent = loaderCacheKey(inputs);
    expect(afterComponent).not.toBe(afterLoader);
    writeFileSync(join(dir, "reports/components/starter.ts"), "component v2");
    const afterEdit = loaderCacheKey(inputs);
    expect(afterEdit).not.toBe(afterComponent);
    writeFileSync(join(dir, "rapport.config.json"), '{"staleAfterDays": 10}');
    expect(loaderCacheKey(inputs)).not.toBe(afterEdit);
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

  it("seedLoaderCache(inputs, results) puts each stored table with a data loader into Framework's cache, newer than its loader", () => {
    const loader = (name: string) => `// The stored table.\nimport {publishTable} from "../../src/results/stored.js";\n\nawait publishTable("${name}");\n`;
    const dir = tempTree({
      "reports/data/a.json.ts": loader("a.json"),
      "reports/data/b.arrow.ts": `/* block comment */\nimport {publishTable} from '../../src/results/stored.js'\nawait publishTable('b.arrow')\n`,
      "reports/data/clock.json.ts": "a loader with no stored result",
      // An analyst's own loader under a published table's name, and one that publishes another table: Framework runs them.
      "reports/data/c.json.ts": `${loader("c.json")}process.stdout.write("and more");\n`,
      "reports/data/d.json.ts": loader("a.json"),
      "results/a.json": '{"a": 1}',
      "results/b.arrow": "ARROW1",
      "results/c.json": "{}",
      "results/d.json": "{}",
      "results/orphan.json": "no loader of this name",
      [`results/a.json.tmp-123`]: "a write cut short"
    });
    // A loader edited after the results were stored would still be older than the seeded copy.
    utimesSync(join(dir, "reports/data/a.json.ts"), new Date(), new Date());
    expect(seedLoaderCache({cwd: dir, root: "reports"}, join(dir, "results"))).toEqual(["a.json", "b.arrow"]);
    const cache = join(dir, "reports/.observablehq/cache/data");
    expect(readdirSync(cache).sort()).toEqual(["a.json", "b.arrow"]);
    expect(readFileSync(join(cache, "a.json"), "utf-8")).toBe('{"a": 1}');
    expect(readFileSync(join(cache, "b.arrow"), "utf-8")).toBe("ARROW1");
    // Framework's preview rule (loader.ts): a cached output at least as new as its loader is fresh (its build takes any cached output).
    for (const name of ["a.json", "b.arrow"]) expect(statSync(join(cache, name)).mtimeMs).toBeGreaterThanOrEqual(statSync(join(dir, "reports/data", `${name}.ts`)).mtimeMs);
    expect(seedLoaderCache({cwd: dir, root: "reports"}, join(dir, "no-results"))).toEqual([]);
  });
});
