import {describe, expect, it} from "vitest";
import {compareVersions, indexPackages, parseSpecifier} from "../../src/offline/packages.js";
import {manifest, tempTree} from "../support/fixtures.js";

describe("parseSpecifier", () => {
  it("parseSpecifier(name@range/path) splits plain and scoped names", () => {
    expect(parseSpecifier("d3@7.9.0/+esm")).toEqual({name: "d3", range: "7.9.0", path: "+esm"});
    expect(parseSpecifier("@duckdb/duckdb-wasm@1.29.0/dist/x.wasm")).toEqual({name: "@duckdb/duckdb-wasm", range: "1.29.0", path: "dist/x.wasm"});
    expect(parseSpecifier("htl")).toEqual({name: "htl", range: undefined, path: undefined});
    expect(parseSpecifier("@scope/pkg/sub")).toEqual({name: "@scope/pkg", range: undefined, path: "sub"});
  });
});

describe("compareVersions", () => {
  it("compareVersions(a, b) orders by number, not text, and puts prereleases first", () => {
    const sorted = ["1.10.0", "1.2.0", "1.2.0-beta.1", "0.0.0-not-installed", "2.0.0"].sort(compareVersions);
    expect(sorted).toEqual(["0.0.0-not-installed", "1.2.0-beta.1", "1.2.0", "1.10.0", "2.0.0"]);
  });
});

describe("indexPackages", () => {
  const root = tempTree({
    "node_modules/alpha/package.json": manifest("alpha", "1.0.0"),
    "node_modules/beta/package.json": manifest("beta", "2.1.0"),
    "node_modules/alpha/node_modules/beta/package.json": manifest("beta", "1.4.0"),
    "node_modules/@scope/gamma/package.json": manifest("@scope/gamma", "0.3.0"),
    "node_modules/.bin/ignored": "",
    "node_modules/not-a-package/readme.md": "no manifest"
  });
  const index = indexPackages(root);

  it("indexPackages(root) finds hoisted, nested and scoped packages", () => {
    expect(index.versions("beta").map((p) => p.version)).toEqual(["2.1.0", "1.4.0"]);
    expect(index.get("@scope/gamma", "0.3.0")?.hoisted).toBe(true);
    expect(index.get("beta", "1.4.0")?.hoisted).toBe(false);
    expect(index.versions("not-a-package")).toEqual([]);
  });

  it("indexPackages(root).preferred(name) is the hoisted copy even when a nested one is newer", () => {
    const nested = tempTree({
      "node_modules/arrow/package.json": manifest("arrow", "17.0.0"),
      "node_modules/user/package.json": manifest("user", "1.0.0"),
      "node_modules/user/node_modules/arrow/package.json": manifest("arrow", "21.0.0")
    });
    expect(indexPackages(nested).preferred("arrow")?.version).toBe("17.0.0");
    expect(indexPackages(nested).versions("arrow")[0].version).toBe("21.0.0");
  });

  it("indexPackages(root) of a folder without node_modules is empty", () => {
    expect(indexPackages(tempTree({"x.txt": ""})).preferred("d3")).toBeUndefined();
  });
});
