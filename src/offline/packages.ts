/**
 * The installed npm packages, as the lockfile put them in node_modules.
 *
 * Offline builds answer every CDN and registry request from this index, so
 * `package-lock.json` alone decides which version of a library a page gets.
 * A package may be installed at several versions (nested node_modules); the
 * hoisted copy at the top is the one a bare `npm:name` import means.
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join, resolve} from "node:path";

export interface InstalledPackage {
  name: string;
  version: string;
  /** Absolute directory holding the package's package.json. */
  dir: string;
  /** True for the copy in the top-level node_modules (what `npm:name` resolves to). */
  hoisted: boolean;
}

export interface PackageIndex {
  /** Every installed copy of name, newest version first. */
  versions(name: string): InstalledPackage[];
  /** The copy of name at exactly version, if installed. */
  get(name: string, version: string): InstalledPackage | undefined;
  /** The hoisted copy of name, else the newest installed. */
  preferred(name: string): InstalledPackage | undefined;
}

/** Reads root/node_modules (recursively through nested node_modules) once. */
export function indexPackages(root: string): PackageIndex {
  const byName = new Map<string, InstalledPackage[]>();
  const visit = (nodeModules: string, hoisted: boolean): void => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules, {withFileTypes: true})) {
      if (entry.name.startsWith(".")) continue;
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      const path = join(nodeModules, entry.name);
      if (entry.name.startsWith("@")) {
        for (const scoped of readdirSync(path)) addPackage(join(path, scoped), hoisted);
      } else {
        addPackage(path, hoisted);
      }
    }
  };
  const addPackage = (dir: string, hoisted: boolean): void => {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) return;
    const {name, version} = JSON.parse(readFileSync(manifest, "utf-8")) as {name?: string; version?: string};
    if (typeof name === "string" && typeof version === "string") {
      const copies = byName.get(name) ?? [];
      if (!copies.some((p) => p.version === version)) copies.push({name, version, dir, hoisted});
      else if (hoisted) copies.splice(copies.findIndex((p) => p.version === version), 1, {name, version, dir, hoisted});
      byName.set(name, copies);
    }
    visit(join(dir, "node_modules"), false);
  };
  visit(resolve(root, "node_modules"), true);
  for (const copies of byName.values()) copies.sort((a, b) => compareVersions(b.version, a.version));
  return {
    versions: (name) => byName.get(name) ?? [],
    get: (name, version) => byName.get(name)?.find((p) => p.version === version),
    preferred: (name) => {
      const copies = byName.get(name);
      return copies?.find((p) => p.hoisted) ?? copies?.[0];
    }
  };
}

/** Orders semver strings by major, minor, patch; a prerelease sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split(/[-+]/, 2);
    return {parts: core.split(".").map(Number), pre};
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; ++i) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Splits "name@range/path" (name may be scoped) like Framework's parseNpmSpecifier. */
export function parseSpecifier(specifier: string): {name: string; range?: string; path?: string} {
  const parts = specifier.split("/");
  const namerange = specifier.startsWith("@") ? `${parts.shift()}/${parts.shift()}` : parts.shift()!;
  const at = namerange.indexOf("@", 1);
  return {
    name: at > 0 ? namerange.slice(0, at) : namerange,
    range: at > 0 ? namerange.slice(at + 1) : undefined,
    path: parts.length > 0 ? parts.join("/") : undefined
  };
}
