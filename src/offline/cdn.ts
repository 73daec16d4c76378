/**
 * Answers, from node_modules, the requests Framework makes to the npm CDN and
 * registry while it builds or previews a site:
 *
 * - `https://cdn.jsdelivr.net/npm/name@version/+esm` (or `.../path/+esm`): the
 *   package bundled into one ES module (see bundle.ts);
 * - `https://cdn.jsdelivr.net/npm/name@version/path.ext`: the raw file (wasm,
 *   workers, package.json, css);
 * - `https://registry.npmjs.org/name[/latest]`: the installed versions, so a
 *   range or `latest` resolves to what package-lock.json installed.
 *
 * Other hosts a Framework site would otherwise reach (DuckDB extensions, web
 * fonts, other CDNs) are refused with a message saying what to change. Returns
 * undefined for any other URL, which the caller fetches as usual.
 */
import {existsSync, readFileSync, statSync} from "node:fs";
import {extname, join, relative, resolve} from "node:path";
import {bundlePackage} from "./bundle.js";
import {parseSpecifier, type PackageIndex} from "./packages.js";

/** The version reported for a package that is not in node_modules. */
export const NOT_INSTALLED = "0.0.0-not-installed";

export class OfflineError extends Error {
  override name = "OfflineError";
}

const refusedHosts = new Map<string, string>([
  ["data.jsdelivr.com", "version look-ups are answered from node_modules; this request should not happen"],
  ["extensions.duckdb.org", "set duckdb.extensions to null for every extension in observablehq.config.ts"],
  ["community-extensions.duckdb.org", "remove community DuckDB extensions from observablehq.config.ts"],
  ["fonts.googleapis.com", "keep globalStylesheets: [] in observablehq.config.ts"],
  ["fonts.gstatic.com", "keep globalStylesheets: [] in observablehq.config.ts"],
  ["esm.sh", "import the package with npm: after npm install, not from esm.sh"],
  ["unpkg.com", "import the package with npm: after npm install, not from unpkg"]
]);

const contentTypes: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".cjs": "application/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8"
};

export async function answerOffline(url: URL, packages: PackageIndex): Promise<Response | undefined> {
  if (url.hostname === "cdn.jsdelivr.net") return answerCdn(url, packages);
  if (url.hostname === "registry.npmjs.org") return answerRegistry(url, packages);
  const why = refusedHosts.get(url.hostname);
  if (why) throw new OfflineError(`rapport builds offline and will not fetch ${url.href}: ${why}.`);
  return undefined;
}

async function answerCdn(url: URL, packages: PackageIndex): Promise<Response> {
  if (!url.pathname.startsWith("/npm/")) {
    throw new OfflineError(`rapport builds offline and serves only /npm/ paths, not ${url.href}.`);
  }
  const specifier = decodeURIComponent(url.pathname.slice("/npm/".length));
  const {name, range, path = ""} = parseSpecifier(specifier);
  const pkg = range ? packages.get(name, range) : packages.preferred(name);
  if (!pkg) {
    const have = packages.versions(name).map((p) => p.version);
    throw new OfflineError(
      `npm:${specifier} is not installed (${have.length ? `installed: ${have.join(", ")}` : "not in node_modules"}). ` +
        `rapport builds from node_modules only: run \`npm install ${name}${range ? `@${range}` : ""}\` and commit package-lock.json.`
    );
  }
  if (path === "+esm" || path.endsWith("/+esm")) {
    const subpath = path === "+esm" ? undefined : path.slice(0, -"/+esm".length);
    const code = await bundlePackage(pkg, subpath);
    return new Response(code, {headers: {"content-type": contentTypes[".js"]}});
  }
  const file = resolve(pkg.dir, path);
  if (relative(pkg.dir, file).startsWith("..") || !existsSync(file) || !statSync(file).isFile()) {
    throw new OfflineError(`npm:${specifier}: no file ${path || "(none)"} in ${pkg.name}@${pkg.version} (${pkg.dir}).`);
  }
  const type = contentTypes[extname(file)] ?? "application/octet-stream";
  return new Response(readFileSync(file), {headers: {"content-type": type}});
}

function answerRegistry(url: URL, packages: PackageIndex): Response {
  const parts = decodeURIComponent(url.pathname).slice(1).split("/");
  const name = parts[0].startsWith("@") ? `${parts.shift()}/${parts.shift()}` : parts.shift()!;
  const tag = parts.shift();
  const preferred = packages.preferred(name);
  if (!preferred) {
    // Framework resolves a version for every library a page *could* use
    // (React, Leaflet, ...) while bundling its client; answer with a version
    // that no CDN request can satisfy, so a page that really imports the
    // package fails with the message in answerCdn.
    if (tag === "latest") return Response.json({name, version: NOT_INSTALLED});
    throw new OfflineError(
      `npm:${name} is not installed. rapport builds from node_modules only: run \`npm install ${name}\` and commit package-lock.json.`
    );
  }
  if (tag === undefined) {
    const versions = Object.fromEntries(packages.versions(name).map((p) => [p.version, {name, version: p.version}]));
    return Response.json({name, "dist-tags": {latest: preferred.version}, versions});
  }
  if (tag === "latest") return Response.json({name, version: preferred.version});
  throw new OfflineError(`npm:${name}@${tag}: only the "latest" tag is known offline; name a version range instead.`);
}

/** The project root: the nearest folder above here with a node_modules. */
export function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = join(dir, "..")) {
    if (existsSync(join(dir, "node_modules"))) return dir;
    if (resolve(dir, "..") === resolve(dir)) throw new OfflineError(`no node_modules above ${from}: run npm install`);
  }
}
