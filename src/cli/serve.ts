/**
 * `rapport serve [DIR]`: serves a built site as a static host would, for
 * looking at a build (bound to 127.0.0.1 by default; not for hosting).
 *
 * The files go through `send` (the static file streamer under Express's
 * serve-static), which answers conditional requests (ETag, Last-Modified →
 * 304), byte ranges (206, 416), malformed URLs (400) and traversal (403)
 * itself, and looks a file up on each request, so a build swapping dist/ in
 * and out is served through: a request that loses its file mid-swap gets a
 * 404 or a cut connection, never a crashed server. Clean URLs as Framework
 * writes them: `/page` is `page.html`, `/dir/` is `dir/index.html`; anything
 * else is 404.html with status 404. Files under `/_…` (Framework's `_file`,
 * `_import`, `_npm`, `_observablehq`) carry a content hash in their names and
 * are cached for a year; pages are revalidated on every visit.
 */
import {existsSync} from "node:fs";
import {readFile} from "node:fs/promises";
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {join, resolve} from "node:path";
import send from "send";
import {exitCodes, RapportError} from "../errors.js";
import {integer, type Command} from "./command.js";

// send's MIME table predates these; DuckDB-wasm and Arrow readers do not care, but a browser's devtools do.
(send.mime as unknown as {define(types: Record<string, string[]>, force: boolean): void}).define({"application/vnd.apache.arrow.file": ["arrow"], "application/vnd.apache.parquet": ["parquet"]}, true);

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Cache-Control for a URL path: hashed assets for a year, pages revalidated each time. */
export function cacheControl(pathname: string): string {
  return pathname.startsWith("/_") ? "public, max-age=31536000, immutable" : "no-cache";
}

export async function serveStatic(dir: string, {host = "127.0.0.1", port = 0} = {}): Promise<StaticServer> {
  const base = resolve(dir);
  if (!existsSync(join(base, "index.html"))) {
    throw new RapportError(`${base} has no index.html: build the site first (npm run build), or name the built folder: rapport serve DIR`, "bad-input", {file: base});
  }
  const server = createServer((request, response) => handle(base, request, response));
  // A socket error (a client resetting mid-response) is that client's problem, not the server's.
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((ok, fail) =>
    server
      .once("error", (error: NodeJS.ErrnoException) =>
        fail(error.code === "EADDRINUSE" ? new RapportError(`port ${port} on ${host} is in use: stop what uses it or pass --port N`, "usage") : error)
      )
      .listen(port, host, () => ok())
  );
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      })
  };
}

function handle(base: string, request: IncomingMessage, response: ServerResponse): void {
  response.on("error", () => response.destroy());
  const url = request.url ?? "/";
  if (!url.startsWith("/")) return plain(response, 400, "bad request");
  const pathname = url.replace(/[?#].*$/s, "");
  send(request, pathname, {root: base, index: ["index.html"], extensions: ["html"], dotfiles: "ignore", cacheControl: false})
    .on("headers", (res: ServerResponse) => res.setHeader("Cache-Control", cacheControl(pathname)))
    .on("error", (error: {status?: number}) => {
      if (response.headersSent) return void response.destroy(); // the file went away mid-stream (a swap of dist/)
      const status = error.status ?? 500;
      if (status === 404 || status === 403) return void notFound(base, request, response);
      plain(response, status, status === 400 ? "bad request" : status === 416 ? "range not satisfiable" : "error");
    })
    .pipe(response);
}

async function notFound(base: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const page = await readFile(join(base, "404.html")).catch(() => undefined);
  if (response.headersSent || response.destroyed) return;
  if (!page) return plain(response, 404, "not found");
  response.writeHead(404, {"content-type": "text/html; charset=utf-8", "content-length": page.length, "cache-control": "no-cache"});
  response.end(request.method === "HEAD" ? undefined : page);
}

function plain(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, {"content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text)}).end(text);
}

export const serve: Command = {
  usage: "[DIR]",
  summary: "serve a built site (default dist/) on http://127.0.0.1:3000",
  shared: ["port", "host"],
  details: `For looking at a build, not for hosting: pages are revalidated (ETag, 304), hashed files cached
for a year. Ctrl-C stops it.`,
  async run({args, cwd, option}) {
    const port = integer(option("port") ?? "3000", "--port");
    const site = await serveStatic(resolve(cwd, args[0] ?? "dist"), {port, host: option("host") ?? "127.0.0.1"});
    process.stderr.write(`rapport: serving ${args[0] ?? "dist"} at ${site.url} (Ctrl-C to stop)\n`);
    await new Promise(() => {}); // until interrupted
    return exitCodes.ok;
  }
};
