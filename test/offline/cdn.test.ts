import {existsSync, mkdirSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {pruneNpmCache} from "../../src/offline/cache.js";
import {NOT_INSTALLED, answerOffline} from "../../src/offline/cdn.js";
import {indexPackages} from "../../src/offline/packages.js";
import {manifest, tempTree} from "../support/fixtures.js";

// A small node_modules: alpha (ESM) imports beta and requires gamma (CommonJS);
// alpha sees its own nested beta@1, while the hoisted beta is 2.
const root = tempTree({
  "node_modules/alpha/package.json": manifest("alpha", "1.0.0", {type: "module", module: "index.js", exports: {".": "./index.js", "./extra": "./extra.js"}}),
  "node_modules/alpha/index.js": `import {b} from "beta"; import {c} from "beta/sub.js"; import "node:fs"; const g = require("gamma"); export const a = b + c + g.g; export default "alpha";`,
  "node_modules/alpha/extra.js": `export const extra = 42;`,
  "node_modules/alpha/node_modules/beta/package.json": manifest("beta", "1.4.0", {type: "module", main: "index.js"}),
  "node_modules/alpha/node_modules/beta/index.js": `export const b = "old";`,
  "node_modules/alpha/node_modules/beta/sub.js": `export const c = "sub";`,
  "node_modules/beta/package.json": manifest("beta", "2.1.0", {type: "module", main: "index.js"}),
  "node_modules/beta/index.js": `export const b = "new";`,
  "node_modules/gamma/package.json": manifest("gamma", "3.0.0", {main: "index.js"}),
  "node_modules/gamma/index.js": `exports.g = "gamma"; exports.other = 1;`,
  "node_modules/gamma/data/file.wasm": "\0asm",
  "node_modules/gamma/data/worker.js": `self.onmessage = () => {};`
});
const packages = indexPackages(root);
const ask = (url: string) => answerOffline(new URL(url), packages);

describe("answerOffline on the CDN", () => {
  it("answerOffline(/npm/name@version/+esm) bundles the package and keeps other packages as /npm/ imports at the versions it sees", async () => {
    const response = (await ask("https://cdn.jsdelivr.net/npm/alpha@1.0.0/+esm"))!;
    expect(response.headers.get("content-type")).toMatch(/^application\/javascript/);
    const code = await response.text();
    expect(code).toContain(`"/npm/beta@1.4.0/+esm"`);
    expect(code).toContain(`"/npm/beta@1.4.0/sub.js/+esm"`);
    expect(code).not.toContain("beta@2.1.0");
    expect(code).toContain(`"gamma"`); // the CommonJS require is inlined, not imported
    expect(code).not.toContain("/npm/gamma");
    expect(code).not.toMatch(/from\s*"node:fs"/);
  });

  it("answerOffline(/npm/name@version/subpath/+esm) bundles the subpath through the package's exports", async () => {
    const code = await (await ask("https://cdn.jsdelivr.net/npm/alpha@1.0.0/extra/+esm"))!.text();
    expect(code).toMatch(/extra/);
    expect(code).toContain("42");
  });

  it("answerOffline(/npm/cjs@version/+esm) gives a CommonJS package named exports as well as a default", async () => {
    const code = await (await ask("https://cdn.jsdelivr.net/npm/gamma@3.0.0/+esm"))!.text();
    expect(code).toMatch(/export\s*\{[^}]*\bg\b/);
    expect(code).toMatch(/\bother\b/);
    expect(code).toMatch(/as default/);
  });

  it("answerOffline(/npm/name@version/file) serves raw files with their content type", async () => {
    const wasm = (await ask("https://cdn.jsdelivr.net/npm/gamma@3.0.0/data/file.wasm"))!;
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    const worker = (await ask("https://cdn.jsdelivr.net/npm/gamma@3.0.0/data/worker.js"))!;
    expect(await worker.text()).toContain("onmessage");
    const pkg = (await ask("https://cdn.jsdelivr.net/npm/beta@2.1.0/package.json"))!;
    expect(await pkg.json()).toMatchObject({version: "2.1.0"});
  });

  it("answerOffline rejects a version that is not installed, naming the installed ones and the fix", async () => {
    await expect(ask("https://cdn.jsdelivr.net/npm/beta@9.9.9/+esm")).rejects.toThrow(/installed: 2\.1\.0, 1\.4\.0.*npm install beta@9\.9\.9/);
    await expect(ask("https://cdn.jsdelivr.net/npm/nothing@1.0.0/+esm")).rejects.toThrow(/not in node_modules/);
  });

  it("answerOffline rejects paths outside the package and missing files", async () => {
    await expect(ask("https://cdn.jsdelivr.net/npm/beta@2.1.0/..%2F..%2Fpackage.json")).rejects.toThrow(/no file/);
    await expect(ask("https://cdn.jsdelivr.net/npm/beta@2.1.0/missing.js")).rejects.toThrow(/no file missing\.js/);
    await expect(ask("https://cdn.jsdelivr.net/gh/user/repo/file.js")).rejects.toThrow(/only \/npm\/ paths/);
  });
});

describe("answerOffline on the registry and other hosts", () => {
  it("answerOffline(registry/name) lists the installed versions, and /latest is the hoisted one", async () => {
    const all = await (await ask("https://registry.npmjs.org/beta"))!.json();
    expect(Object.keys(all.versions).sort()).toEqual(["1.4.0", "2.1.0"]);
    expect(await (await ask("https://registry.npmjs.org/beta/latest"))!.json()).toEqual({name: "beta", version: "2.1.0"});
  });

  it("answerOffline(registry/missing/latest) answers the not-installed version; a range look-up is refused", async () => {
    expect(await (await ask("https://registry.npmjs.org/react/latest"))!.json()).toEqual({name: "react", version: NOT_INSTALLED});
    await expect(ask("https://registry.npmjs.org/react")).rejects.toThrow(/npm install react/);
    await expect(ask("https://registry.npmjs.org/beta/next")).rejects.toThrow(/only the "latest" tag/);
  });

  it("answerOffline refuses DuckDB extensions and web fonts with what to change, and passes other URLs through", async () => {
    await expect(ask("https://extensions.duckdb.org/v1.1.1/wasm_eh/json.duckdb_extension.wasm")).rejects.toThrow(/duckdb\.extensions/);
    await expect(ask("https://fonts.googleapis.com/css2?family=Inter")).rejects.toThrow(/globalStylesheets/);
    expect(await ask("https://api.example.com/export.csv")).toBeUndefined();
  });
});

describe("pruneNpmCache", () => {
  it("pruneNpmCache(cache, packages) removes cached versions that are not installed and keeps the rest", () => {
    const cache = tempTree({"_npm/beta@2.1.0/_esm.js": "", "_npm/beta@2.0.0/_esm.js": "", "_npm/@scope/gone@1.0.0/_esm.js": ""});
    mkdirSync(join(cache, "_npm", `react@${NOT_INSTALLED}`));
    expect(pruneNpmCache(cache, packages).sort()).toEqual(["@scope/gone@1.0.0", "beta@2.0.0", `react@${NOT_INSTALLED}`]);
    expect(existsSync(join(cache, "_npm", "beta@2.1.0", "_esm.js"))).toBe(true);
    expect(existsSync(join(cache, "_npm", "beta@2.0.0"))).toBe(false);
  });

  it("pruneNpmCache(missing, packages) is a no-op", () => {
    expect(pruneNpmCache(join(root, "no-cache-here"), packages)).toEqual([]);
  });
});
