/**
 * Where rapport finds things. The exports folder is data/sample/ unless the
 * RAPPORT_DATA environment variable names another (relative to the project).
 */
import {isAbsolute, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";

/** The repository root (the folder holding package.json). */
export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

/** The folder of CRM exports a build reads. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.RAPPORT_DATA ?? join("data", "sample");
  return isAbsolute(dir) ? dir : resolve(projectRoot, dir);
}
