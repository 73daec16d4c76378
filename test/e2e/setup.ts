/**
 * Builds the site once with `rapport build` (ingest data/sample/, then an offline Framework build) and
 * serves dist/ with the plain static server on 127.0.0.1 for the browser tests.
 * Fails at once, with what to do, when no Chromium can be found.
 */
import {fileURLToPath} from "node:url";
import type {TestProject} from "vitest/node";
import {main} from "../../src/cli/main.js";
import {serveStatic, type StaticServer} from "../../src/cli/serve.js";
import {findChromium} from "../support/browser.js";

declare module "vitest" {
  export interface ProvidedContext {
    siteUrl: string;
    distDir: string;
  }
}

const root = fileURLToPath(new URL("../..", import.meta.url));
let site: StaticServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  findChromium(); // throws with install instructions when there is none
  const code = await main(["build"], root);
  if (code !== 0) throw new Error(`rapport build failed with exit code ${code}; its output is above`);
  const distDir = fileURLToPath(new URL("../../dist", import.meta.url));
  site = await serveStatic(distDir);
  project.provide("siteUrl", site.url);
  project.provide("distDir", distDir);
}

export async function teardown(): Promise<void> {
  await site?.close();
}
