/**
 * Preloaded into the Framework process (`node --import`) by `rapport build`
 * and `rapport dev`: wraps the global fetch so Framework's CDN and registry
 * requests are answered from node_modules (see cdn.ts). Nothing else changes.
 */
import {fileURLToPath} from "node:url";
import {answerOffline, findProjectRoot} from "./cdn.js";
import {indexPackages, type PackageIndex} from "./packages.js";

const root = process.env.RAPPORT_PACKAGES_ROOT ?? findProjectRoot(fileURLToPath(new URL(".", import.meta.url)));
let packages: PackageIndex | undefined;
const networkFetch = globalThis.fetch;

globalThis.fetch = async function offlineFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const answer = await answerOffline(url, (packages ??= indexPackages(root)));
  return answer ?? networkFetch(input, init);
};
