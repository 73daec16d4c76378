/**
 * Keeps Framework's npm cache in step with node_modules. Framework remembers
 * every version it resolved as a folder `.observablehq/cache/_npm/name@version`
 * and prefers those folders over asking the registry again, so after a
 * lockfile change it would keep asking for a version that is no longer
 * installed. Removing the folders of versions not installed makes the next
 * build resolve against package-lock.json again.
 */
import {existsSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import {parseSpecifier, type PackageIndex} from "./packages.js";

/** Removes cached name@version folders whose version is not installed; returns their names. */
export function pruneNpmCache(cacheRoot: string, packages: PackageIndex): string[] {
  const npmDir = join(cacheRoot, "_npm");
  if (!existsSync(npmDir)) return [];
  const removed: string[] = [];
  const consider = (entry: string, path: string): void => {
    const {name, range} = parseSpecifier(entry);
    if (range === undefined || packages.get(name, range)) return;
    rmSync(path, {recursive: true, force: true});
    removed.push(entry);
  };
  for (const entry of readdirSync(npmDir)) {
    if (entry.startsWith("@")) {
      for (const scoped of readdirSync(join(npmDir, entry))) consider(`${entry}/${scoped}`, join(npmDir, entry, scoped));
    } else {
      consider(entry, join(npmDir, entry));
    }
  }
  return removed;
}
