import {mkdirSync, mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";

/** Writes files (path → contents) under a fresh temporary folder and returns it. */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "rapport-test-"));
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), {recursive: true});
    writeFileSync(join(root, path), contents);
  }
  return root;
}

/** A package.json for a fixture package. */
export function manifest(name: string, version: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({name, version, ...extra});
}
