/**
 * The notebook's endpoint in `rapport preview`: preloaded into Framework's
 * preview process (runFramework adds `--import` of this file for "preview"
 * only; a build never has it). It answers, on the preview's own server:
 *
 * - GET  /_rapport/notebook/pages          → [{name, title, notebook}] of reports/*.md
 * - GET  /_rapport/notebook/page?name=x    → {name, markdown} of reports/x.md
 * - POST /_rapport/notebook/page {name, markdown, overwrite}
 *        → 201 {path}; 200 {exists: true} when the page exists and overwrite
 *        is not true (a question, not a failure: the browser logs no error);
 *        403 for a page not saved from the notebook (hand-written pages are
 *        never replaced); 400 for a bad name or body.
 *
 * and adds `<meta name="rapport-notebook" content="/_rapport/notebook/">` to
 * every HTML page, which is how the notebook knows it can save. Writes go to
 * reports/ only, under a checked name; a request from another origin (a page
 * of another site posting to localhost) is refused. After a write the config
 * file is touched (half a second after the answer, which the page shows
 * first), so Framework reads it again, reloads the open pages, and the
 * sidebar shows the new page.
 */
import {readFileSync, existsSync, utimesSync, writeFileSync} from "node:fs";
import http, {type IncomingMessage, type ServerResponse} from "node:http";
import {join, resolve} from "node:path";
import {listPages, pageInfo, pageNamePattern} from "./notebook-pages.js";

export const prefix = "/_rapport/notebook/";
const maxBody = 1_000_000;

export interface NotebookServerOptions {
  /** The Framework root (reports/). */
  root: string;
  /** The config file to touch after a write, so Framework reloads the sidebar. */
  config?: string;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** Writes a page (the POST); pure but for the files. */
export function savePage(root: string, input: unknown): Answer {
  const {name, markdown, overwrite} = (input ?? {}) as {name?: unknown; markdown?: unknown; overwrite?: unknown};
  if (typeof name !== "string" || !pageNamePattern.test(name)) return {status: 400, body: {error: "the file name is lower-case letters, digits and dashes (my-page)"}};
  if (name === "index" || name === "404") return {status: 400, body: {error: `${name} is reserved for the site`}};
  if (typeof markdown !== "string" || !markdown.trim()) return {status: 400, body: {error: "no page to write"}};
  const path = join(root, `${name}.md`);
  if (existsSync(path)) {
    if (!pageInfo(readFileSync(path, "utf-8"), name).notebook) return {status: 403, body: {error: `reports/${name}.md is a page written by hand: choose another file name`}};
    if (overwrite !== true) return {status: 200, body: {exists: true, error: `reports/${name}.md exists`}};
  }
  writeFileSync(path, markdown);
  return {status: 201, body: {path: `reports/${name}.md`}};
}

/** Reads a page (GET page?name=). */
export function readPage(root: string, name: string | null): Answer {
  if (!name || !pageNamePattern.test(name)) return {status: 400, body: {error: "no such page name"}};
  const path = join(root, `${name}.md`);
  if (!existsSync(path)) return {status: 404, body: {error: `no page reports/${name}.md`}};
  return {status: 200, body: {name, markdown: readFileSync(path, "utf-8")}};
}

/** True when the request comes from the preview's own pages (or from no page at all, like curl). */
export function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${request.headers.host}`;
}

async function body(request: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of request) {
    text += chunk;
    if (text.length > maxBody) throw new Error("the page is larger than 1 MB");
  }
  return JSON.parse(text);
}

function send(response: ServerResponse, {status, body}: Answer) {
  response.writeHead(status, {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"}).end(JSON.stringify(body));
}

/** Answers a notebook request. */
export async function handle(request: IncomingMessage, response: ServerResponse, options: NotebookServerOptions): Promise<void> {
  const url = new URL(request.url ?? "/", "http://localhost");
  const route = url.pathname.slice(prefix.length);
  try {
    if (!sameOrigin(request)) return send(response, {status: 403, body: {error: "only the preview's own pages may use the notebook endpoint"}});
    if (request.method === "GET" && route === "pages") return send(response, {status: 200, body: listPages(options.root)});
    if (request.method === "GET" && route === "page") return send(response, readPage(options.root, url.searchParams.get("name")));
    if (request.method === "POST" && route === "page") {
      if (!/^application\/json\b/.test(request.headers["content-type"] ?? "")) return send(response, {status: 415, body: {error: "send JSON"}});
      const answer = savePage(options.root, await body(request));
      send(response, answer);
      if (answer.status === 201 && options.config && existsSync(options.config)) setTimeout(() => touch(options.config!), 500);
      return;
    }
    send(response, {status: 404, body: {error: `no ${request.method} ${url.pathname}`}});
  } catch (error) {
    send(response, {status: 400, body: {error: (error as Error).message}});
  }
}

function touch(file: string) {
  const now = new Date();
  utimesSync(file, now, now);
}

const meta = `<meta name="rapport-notebook" content="${prefix}">`;

/** Adds the meta tag to an HTML response Framework sends with one end(content). */
function tagHtml(response: ServerResponse) {
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.end = ((...args: unknown[]) => {
    const type = String(response.getHeader("content-type") ?? "");
    if (type.startsWith("text/html") && typeof args[0] === "string" && args[0].includes("<head>")) args[0] = args[0].replace("<head>", `<head>\n${meta}`);
    return end(...args);
  }) as ServerResponse["end"];
}

/** Routes the preview server's requests: the notebook's here, the rest to Framework. */
export function install(options: NotebookServerOptions): void {
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === "request") {
      const [request, response] = args as [IncomingMessage, ServerResponse];
      if (request.url?.startsWith(prefix)) {
        void handle(request, response, options);
        return true;
      }
      if (request.method === "GET") tagHtml(response);
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

if (process.env.RAPPORT_NOTEBOOK_ROOT) {
  const cwd = process.cwd();
  install({root: resolve(cwd, process.env.RAPPORT_NOTEBOOK_ROOT), config: resolve(cwd, "observablehq.config.ts")});
}
